package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/rebalance-sim/rebalance-sim/experiment"
)

// sweep1000 is the shipped twenty-on-four experiment (10 simulated minutes,
// its three variants and three seeds) swept over the producer's rate from
// 1,000 to 12,000 records/s: 3 x 111 x 3 = 999 runs, from a group that keeps
// up easily to one far behind.
func sweep1000(b *testing.B) *experiment.Experiment {
	src, err := os.ReadFile("../../experiments/twenty-on-four.toml")
	if err != nil {
		b.Fatal(err)
	}
	src = append(src, []byte(`
[sweep]
"producers.checkout.rate" = {from = 1000, to = 12000, step = 100}

[slo]
max_lag_time = "30s"
warmup = "1m"
`)...)
	x, err := experiment.Parse("twenty-on-four-sweep.toml", src)
	if err != nil {
		b.Fatal(err)
	}
	return x
}

// BenchmarkSweep1000 runs the 1,000-run sweep as `simulate run` does
// (results, charts and report included) with 1 and with 2 workers.
// Targets: under 60 s on a 2-core machine; 2 workers at least 1.8x as fast
// as 1.
func BenchmarkSweep1000(b *testing.B) {
	x := sweep1000(b)
	if len(x.Runs) != 999 {
		b.Fatalf("%d runs", len(x.Runs))
	}
	for _, workers := range benchWorkers {
		b.Run(map[int]string{1: "workers=1", 2: "workers=2"}[workers], func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				dir := b.TempDir()
				f := runFlags{out: filepath.Join(dir, "results"), parallel: workers, quiet: true}
				if err := runOne(x, f, nil, io.Discard, os.Stderr); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var benchWorkers = []int{1, 2}
