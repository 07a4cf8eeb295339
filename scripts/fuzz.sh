#!/usr/bin/env bash
# Runs every fuzz target of the module for FUZZTIME each (default 60s) and keeps the corpus each
# one builds under its package's testdata/fuzz/<Target>/, where `go test` runs it as seeds from
# then on. Usage: FUZZTIME=10m ./scripts/fuzz.sh [package pattern]
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
fuzztime=${FUZZTIME:-60s}
cache=$($GO env GOCACHE)/fuzz
for pkg in $($GO list "${1:-./...}"); do
  dir=$($GO list -f '{{.Dir}}' "$pkg")
  for target in $($GO test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    echo "== $pkg $target ($fuzztime)"
    $GO test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"
    # Keep what the fuzzer learned: the interesting inputs it found become seeds.
    if [ -d "$cache/$pkg/$target" ]; then
      mkdir -p "$dir/testdata/fuzz/$target"
      cp -n "$cache/$pkg/$target"/* "$dir/testdata/fuzz/$target/" 2>/dev/null || true
      echo "   corpus: $(ls "$dir/testdata/fuzz/$target" | wc -l) inputs in ${dir#$PWD/}/testdata/fuzz/$target"
    fi
  done
done
