#!/usr/bin/env bash
# make bench: install what the stages are compared against (mikefarah yq v4.45.1 into
# .cache/bin, jq with apt-get when missing), build the stages, run the Go benchmarks, then the
# whole-process tables (internal/bench/cmd/stagebench, which builds the kustomize, kyaml and
# yaml.v3 peer programs of internal/bench/cmd itself): Markdown on stdout for
# docs/performance.md, progress on stderr. Exits non-zero when a peer's output is wrong.
#
# Settings (env): GO (go), BENCHTIME (200ms: Go benchmarks' -benchtime), BENCH_RUNS (stagebench's
# --runs, default 5: interleaved runs per comparison), STAGEBENCH_ARGS (extra stagebench flags, e.g. --quick), SKIP_GO_BENCH=1.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
GO=${GO:-go}
YQ_VERSION=v4.45.1
BENCHTIME=${BENCHTIME:-200ms}

say() { printf '== %s\n' "$*" >&2; }

# yq: mikefarah's, pinned. Debian's `yq` package (a Python jq wrapper) is a different tool and is
# never used, whatever is on PATH.
yq_ok() { [ -x "$1" ] && "$1" --version 2>/dev/null | grep -q "mikefarah.*version $YQ_VERSION"; }
yq="$root/.cache/bin/yq"
if ! yq_ok "$yq"; then
	say "installing mikefarah yq $YQ_VERSION into .cache/bin"
	mkdir -p "$root/.cache/bin"
	GOBIN="$root/.cache/bin" "$GO" install "github.com/mikefarah/yq/v4@$YQ_VERSION"
	yq_ok "$yq" || { echo "bench: $yq is not yq $YQ_VERSION after go install" >&2; exit 1; }
fi

# jq: from the distribution.
if ! command -v jq >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		say "installing jq (apt-get)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y jq >&2 ||
			{ DEBIAN_FRONTEND=noninteractive apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y jq >&2; }
	else
		echo "bench: jq is missing and this is not root with apt-get: install jq (e.g. sudo apt-get install -y jq) and rerun" >&2
		exit 1
	fi
fi

say "make build"
make --no-print-directory build GO="$GO" >&2

if [ "${SKIP_GO_BENCH:-}" != 1 ]; then
	say "Go benchmarks (-benchtime $BENCHTIME)"
	echo '```'
	"$GO" test -run '^$' -bench . -benchmem -benchtime "$BENCHTIME" ./... | grep -E '^(pkg:|Benchmark|FAIL|---|panic)'
	echo '```'
	echo
fi

say "whole-process comparisons (stagebench)"
# shellcheck disable=SC2086 # STAGEBENCH_ARGS is a list of flags
STAGEBENCH_YQ="$yq" "$GO" run ./internal/bench/cmd/stagebench ${BENCH_RUNS:+--runs "$BENCH_RUNS"} ${STAGEBENCH_ARGS:-}
