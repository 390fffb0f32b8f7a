package campaign

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rebalance-sim/rebalance-sim/experiment"
)

// The generator writes rack layouts often enough, and every file it writes
// loads.
func TestGeneratorWritesRacks(t *testing.T) {
	layouts, clientRacks, follower := 0, 0, 0
	for seed := uint64(1); seed <= 400; seed++ {
		src := Generate(seed)
		if _, err := experiment.Parse(fmt.Sprintf("campaign-%d.toml", seed), []byte(src)); err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, Indent(src))
		}
		if strings.Contains(src, "\nracks = [") || strings.Contains(src, "\nbrokers = [") {
			layouts++
		}
		if strings.Contains(src, "client.rack") {
			clientRacks++
		}
		if strings.Contains(src, "RackAwareReplicaSelector") {
			follower++
		}
	}
	if layouts < 80 || clientRacks < 40 || follower < 30 {
		t.Errorf("of 400 files, %d have a broker layout, %d a client.rack, %d follower fetching", layouts, clientRacks, follower)
	}
}
