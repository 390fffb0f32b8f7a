package validation

import (
	"path/filepath"
	"testing"

	"github.com/rebalance-sim/rebalance-sim/experiment"
)

// The suite's experiments load, and a real run can reproduce every one.
func TestSuiteExperiments(t *testing.T) {
	files, err := filepath.Glob("../validate/experiments/*.toml")
	if err != nil || len(files) < 7 {
		t.Fatalf("suite files: %v %v", files, err)
	}
	for _, f := range files {
		x, err := experiment.Load(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if err := Refuse(x); err != nil {
			t.Errorf("%v", err)
		}
		for i := range x.Runs {
			if _, err := Resolve(x.Runs[i].Scenario, x.Runs[i].ID, 1); err != nil {
				t.Errorf("%s %s: %v", f, x.Runs[i].ID, err)
			}
		}
	}
}

// The known-disagreements file parses and names real metrics.
func TestKnownFile(t *testing.T) {
	if _, err := ReadKnown("../validate/known-disagreements.txt"); err != nil {
		t.Fatal(err)
	}
}
