package sim

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/rebalance-sim/rebalance-sim/experiment"
)

// TestDebugTail prints a failing run's trace as it goes (development aid).
func TestDebugTail(t *testing.T) {
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
	Run(run.Scenario, run.Seed, Options{CheckInvariants: true, Trace: func(l string) { fmt.Println(l) }})
}
