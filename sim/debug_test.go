package sim

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/rebalance-sim/rebalance-sim/experiment"
)

// TestDebugTrace prints the trace of DEBUG_TOML's first run (development aid).
func TestDebugTrace(t *testing.T) {
	f := os.Getenv("DEBUG_TOML")
	if f == "" {
		t.Skip("DEBUG_TOML not set")
	}
	x, err := experiment.Load(f)
	if err != nil {
		t.Fatal(err)
	}
	run := x.Runs[0]
	for _, r := range x.Runs {
		if id := os.Getenv("DEBUG_RUN"); id != "" && strings.Contains(r.ID, id) {
			run = r
			break
		}
	}
	var b strings.Builder
	r, err := Run(run.Scenario, run.Seed, Options{CheckInvariants: true, Trace: func(l string) { b.WriteString(l + "\n") }})
	fmt.Print(b.String())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("%+v\n%+v\n", r.Groups, r.Rebalances)
}
