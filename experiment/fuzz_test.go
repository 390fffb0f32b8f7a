package experiment

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that no input panics and that every failure is an
// *Error or ErrorList with messages, and that what loads is consistent.
// `go test` runs only the corpus; `go test -fuzz FuzzParse ./experiment`
// explores.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.toml")
	shipped, _ := filepath.Glob("../experiments/*.toml")
	for _, name := range append(files, shipped...) {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(tricky))
	for _, c := range badCases {
		f.Add([]byte(c.src))
	}
	for _, s := range []string{
		"",
		"[",
		"[[",
		"a = [1,\n",
		`x = """`,
		"x = '''\n",
		"\ufeffduration = \"1m\"",
		"duration = \"1m\"\n[groups.g]\ntopics = [\"t\"]\n[[events]]\n[[events.x]]\n",
		"[sweep]\na.b.c = {from = -9223372036854775808, to = 9223372036854775807, step = 1}\n",
		"[sweep]\n\"duration\" = {from = 1e-300, to = 1e300, step = 1e-300}\n",
		// A small grid: a large one makes every mutation of it slow.
		g("[[variants]]\nname = \"a\"\n[[variants]]\nname = \"b\"\n[sweep]\n\"groups.g.consumers\" = {from = 0, to = 9, step = 3}\n\"producers.p.rate\" = [0.5]\n[producers.p]\ntopic = \"t\"\nrate = 1\n"),
		g("[groups.g.autoscaler]\n[[variants]]\nname = \"v\"\n\"groups.g.autoscaler.max_consumers\" = 3\n"),
		g("l = { a = [ { b = \"}\" } ], c.d = '''x''' }\n"),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The scanner alone must survive anything, not only valid TOML.
		scanLines(data)
		x, err := Parse("f.toml", data)
		if err != nil {
			if x != nil {
				t.Fatalf("both an Experiment and an error")
			}
			checkErrorShape(t, err)
			return
		}
		if len(x.Runs) == 0 || len(x.Seeds) == 0 {
			t.Fatalf("loaded with %d runs and %d seeds", len(x.Runs), len(x.Seeds))
		}
		want := max(len(x.Variants), 1) * len(x.Seeds)
		if x.Sweep != nil {
			for _, a := range x.Sweep.Axes {
				want *= len(a.Values)
			}
		}
		if len(x.Runs) != want {
			t.Fatalf("%d runs, want %d", len(x.Runs), want)
		}
		// The estimate of what the runs need is computed for every file
		// that loads, and must not fail on any of them.
		if _, _, err := x.Check(DefaultBudget()); err != nil {
			checkErrorShape(t, err)
		}
		ids := map[string]bool{}
		for _, r := range x.Runs {
			if ids[r.ID] || r.Scenario == nil || strings.Contains(r.ID, "//") {
				t.Fatalf("run %q repeated, empty or malformed", r.ID)
			}
			ids[r.ID] = true
		}
	})
}
