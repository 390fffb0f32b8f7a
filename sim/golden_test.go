package sim

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rebalance-sim/rebalance-sim/experiment"
)

var update = flag.Bool("update", false, "rewrite the golden traces in testdata/trace")

// TestGoldenTraces runs each testdata/trace/*.txt: an experiment (TOML), a
// line "----", then the protocol trace its first run must produce. The
// traces are how a reader learns the protocol; -update rewrites them.
func TestGoldenTraces(t *testing.T) {
	files, err := filepath.Glob("testdata/trace/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden traces: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			src, want, found := strings.Cut(string(data), "\n----\n")
			if !found {
				t.Fatalf("%s: no ---- line", file)
			}
			x, err := experiment.Parse(file, []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			run := x.Runs[0]
			if _, err := Run(run.Scenario, run.Seed, Options{CheckInvariants: true, Trace: func(l string) {
				b.WriteString(strings.TrimRight(l, " "))
				b.WriteByte('\n')
			}}); err != nil {
				t.Fatal(err)
			}
			got := b.String()
			if *update {
				if err := os.WriteFile(file, []byte(src+"\n----\n"+got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != want {
				t.Errorf("%s: trace differs (go test ./sim -run GoldenTraces -update rewrites it)\n%s", file, lineDiff(want, got))
			}
		})
	}
}

// lineDiff shows the first differing lines with some context.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl
		}
	}
	return ""
}

func itoa(i int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(i)) }
