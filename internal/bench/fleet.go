package bench

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The bash demo's way of running a Promise change across a fleet, kept as the baseline of the
// fleet rows: per request and per Promise version, a fresh kratix directory, the request copied
// in, name, namespace, kind and apiVersion read with awk, then each stage binary run as a
// process; finally diff -ruN of the two trees. $1 is the directory of the stage binaries, $2 of
// the request files, $3 the work directory.
const perRequestScript = `set -eu
bin=$1 reqs=$2 work=$3
run() {
  req=$1 version=$2; shift 2
  name=$(awk '/^  name:/{print $2; exit}' "$req")
  ns=$(awk '/^  namespace:/{print $2; exit}' "$req")
  kind=$(awk '/^kind:/{print $2; exit}' "$req")
  group=$(awk '/^apiVersion:/{print $2; exit}' "$req"); ver=${group##*/}; group=${group%/*}
  pod="$work/$version/$ns-$name"
  mkdir -p "$pod/input" "$pod/output" "$pod/metadata"
  cp "$req" "$pod/input/object.yaml"
  for stage in "$@"; do
    case "$stage" in
    terraform-generate) set -- MODULE_SOURCE=https://github.com/terraform-aws-modules/terraform-aws-ec2-instance MODULE_VERSION=v6.0.2 ;;
    enforce-tags) set -- 'TAGS=managed-by=kratix,kratix.io/promise=$(KRATIX_PROMISE_NAME),kratix.io/request-namespace=$(KRATIX_OBJECT_NAMESPACE),kratix.io/request-name=$(KRATIX_OBJECT_NAME),cost-center=platform' ;;
    esac
    env -i PATH="$PATH" KRATIX_WORKFLOW_TYPE=resource KRATIX_WORKFLOW_ACTION=configure \
      KRATIX_PROMISE_NAME=vm KRATIX_PIPELINE_NAME=instance-configure \
      KRATIX_OBJECT_KIND="$kind" KRATIX_OBJECT_GROUP="$group" KRATIX_OBJECT_VERSION="$ver" \
      KRATIX_OBJECT_NAME="$name" KRATIX_OBJECT_NAMESPACE="$ns" KRATIX_CRD_PLURAL=vms \
      KRATIX_CLUSTER_SCOPED=false "$@" "$bin/$stage" --kratix-dir "$pod" 2>>"$work/stages.log"
  done
}
for r in "$reqs"/*.yaml; do
  run "$r" v1 terraform-generate
  run "$r" v2 terraform-generate enforce-tags
done
cd "$work" && { diff -ruN v1 v2 > diff.txt || [ $? -eq 1 ]; }
`

// writeFleet writes n generated VM requests: one multi-document file (what the stagekit command
// reads) and, with split, one file per request (what the per-request script reads).
func writeFleet(dir string, n int, split bool) (string, string, error) {
	all := filepath.Join(dir, fmt.Sprintf("requests-%d.yaml", n))
	each := filepath.Join(dir, fmt.Sprintf("split-%d", n))
	if err := os.MkdirAll(each, 0o755); err != nil {
		return "", "", err
	}
	var b bytes.Buffer
	for i := range n {
		doc := fmt.Sprintf("apiVersion: example.com/v1\nkind: VM\nmetadata:\n  name: vm-%d\n  namespace: team-%d\n  labels:\n    env: %s\nspec:\n  subnet_id: subnet-0123456789abcdef0\n  instance_type: t3.%s\n",
			i, i%17, []string{"staging", "prod"}[i%2], []string{"micro", "small", "large"}[i%3])
		b.WriteString("---\n" + doc)
		if split {
			if err := os.WriteFile(filepath.Join(each, fmt.Sprintf("team-%d_vm-%d.yaml", i%17, i)), []byte(doc), 0o644); err != nil {
				return "", "", err
			}
		}
	}
	return all, each, os.WriteFile(all, b.Bytes(), 0o644)
}

// fleet measures `stagekit fleet diff` of the vm Promise's v1 -> v2 change on generated fleets,
// against the same stage binaries run per request in fresh directories as the bash demo did.
// Unpinned: the targets are for two cores, which the command uses (--jobs defaults to them).
func (s *suite) fleet() error {
	const section = "stagekit fleet diff, the vm Promise v1 → v2"
	small, large := 1000, 10000
	if s.cfg.Quick {
		small, large = 50, 200
	}
	dir := filepath.Join(s.work, "fleet")
	smallAll, smallSplit, err := writeFleet(dir, small, true)
	if err != nil {
		return err
	}
	largeAll, _, err := writeFleet(dir, large, false)
	if err != nil {
		return err
	}
	examples := filepath.Join(s.cfg.Root, "examples", "vm-fleet")
	diff := func(requests string, n int) subject {
		return subject{
			label: fmt.Sprintf("stagekit fleet diff, %s requests", thousands(int64(n))),
			prepare: func(run string) ([]Step, error) {
				return []Step{{Name: "stagekit", Argv: []string{s.cfg.Tools.Stagekit, "fleet", "diff", "-o", "json",
					"--from", filepath.Join(examples, "promise.yaml"), "--to", filepath.Join(examples, "promise-v2.yaml"),
					"--requests", requests, "--skip", "terraform-apply"},
					Env: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, Stdout: filepath.Join(run, "report.json")}}, nil
			},
			check: func(run string) error {
				return fileContains(filepath.Join(run, "report.json"), fmt.Sprintf(`"changed": %d,`, n))
			},
		}
	}
	bins := filepath.Dir(s.cfg.Tools.Bin["terraform-generate"])
	perRequest := subject{
		label: "per request",
		prepare: func(run string) ([]Step, error) {
			return []Step{{Name: "per-request script", Argv: []string{s.cfg.Tools.Sh, "-c", perRequestScript, "sh", bins, smallSplit, run},
				Env: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}}}, nil
		},
		check: func(run string) error {
			data, err := os.ReadFile(filepath.Join(run, "diff.txt"))
			if err == nil && strings.Count(string(data), "\ndiff -ruN ")+1 != small {
				err = fmt.Errorf("diff.txt: %d files differ, want %d", strings.Count(string(data), "\ndiff -ruN ")+1, small)
			}
			return err
		},
	}
	saved := s.rep.Pinned
	s.rep.Pinned = nil // this group runs on every CPU
	defer func() { s.rep.Pinned = saved }()
	sm, err := s.runGroup(section+" (small)", s.cfg.Runs, []subject{diff(smallAll, small), perRequest})
	if err != nil {
		return err
	}
	lg, err := s.runGroup(section+" (large)", max(1, s.cfg.Runs/2), []subject{diff(largeAll, large)})
	if err != nil {
		return err
	}
	one := s.row(section, fmt.Sprintf("`stagekit fleet diff` (stages in process, `--jobs` = CPUs), %s generated VM requests", thousands(int64(small))), sm[0])
	one.Ratio = fmt.Sprintf("%.0f× less wall, %.0f× less CPU than per-request binaries", wallRatio(sm[1], sm[0]), cpuRatio(sm[1], sm[0]))
	one.Target = "< 5 s wall on 2 cores (1,000 requests)"
	one.Met = yes(one.Wall < 5*time.Second)
	base := s.row(section, fmt.Sprintf("the same stage binaries per request, fresh directories, `diff -ruN` (the bash demo's way), %s requests", thousands(int64(small))), sm[1])
	base.Ratio = "baseline"
	ten := s.row(section, fmt.Sprintf("`stagekit fleet diff`, %s generated VM requests", thousands(int64(large))), lg[0])
	ten.Ratio = fmt.Sprintf("%.0f µs wall per request", float64(ten.Wall.Microseconds())/float64(large))
	ten.Target = "< 60 s wall, peak RSS < 256 MiB (10,000 requests)"
	ten.Met = yes(ten.Wall < 60*time.Second && ten.RSSKiB < 256<<10)
	s.rep.Rows = append(s.rep.Rows, one, base, ten)
	s.rep.Notes = append(s.rep.Notes, fmt.Sprintf("The fleet rows are not pinned: `stagekit fleet diff` runs its requests on every CPU (%d here), as the target (2 cores) intends; the per-request baseline runs its processes one after another, as the bash demo did. Each request runs through both Promise versions (terraform-generate; then terraform-generate → enforce-tags) and every report is written and checked.", len(AllowedCPUs())))
	return nil
}

// wallRatio is the median over the runs of num's wall time / den's.
func wallRatio(num, den samples) float64 {
	var rs []float64
	for i := range num.wall {
		rs = append(rs, float64(num.wall[i])/float64(max(den.wall[i], time.Microsecond)))
	}
	return medianF(rs)
}
