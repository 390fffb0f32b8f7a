package assignors_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/placement"
)

// TestPlacementMatchesKafka runs random clusters through the placement
// package and through Kafka 4.4's own StripedReplicaPlacer (the oracle's
// Java driver, kafka-metadata 4.4.0), seeded alike, and requires the same
// replicas for every partition of every call. It lives here because this
// test binary owns the oracle JVM (see OracleLine).
//
// The clusters vary what the placer's answer depends on: rack counts and
// sizes (uneven ones too), brokers without a rack, broker ids beyond a
// HashMap's first table (their iteration order is not numeric), rack names
// whose hashes share a bucket ("Aa" and "BB"), more than twelve racks (the
// rack map resizes), several placements on one Random (successive topics),
// and partition counts past the broker count (the reshuffle of each new
// round).
func TestPlacementMatchesKafka(t *testing.T) {
	names := []string{"az1", "az2", "az3", "Aa", "BB", "us-east-1a", "us-east-1b", "", "C#", "rack-\u00e9"}
	for i := 0; i < 20; i++ {
		names = append(names, fmt.Sprintf("r%d", i))
	}
	for seed := uint64(1); seed <= 300; seed++ {
		r := rand.New(rand.NewPCG(seed, 0x91ace))
		nRacks := 1 + r.IntN(5)
		if seed%10 == 0 {
			nRacks = 13 + r.IntN(5)
		}
		perm := r.Perm(len(names))
		var brokers []placement.Broker
		used := map[int32]bool{}
		for k := 0; k < nRacks; k++ {
			size := 1 + r.IntN(3)
			for j := 0; j < size; j++ {
				id := int32(r.IntN(40))
				if seed%3 == 0 {
					id = int32(r.IntN(3000))
				}
				if used[id] {
					continue
				}
				used[id] = true
				brokers = append(brokers, placement.Broker{ID: id, Rack: names[perm[k]]})
			}
		}
		rf := 1 + r.IntN(min(len(brokers), 4))
		if seed%17 == 0 {
			rf = len(brokers) + 1 // refused by both
		}
		parts := 1 + r.IntN(30)
		calls := 1 + r.IntN(3)
		javaSeed := int64(r.Uint64())

		var ours [][][]int32
		var ourErr error
		jr := placement.NewJavaRandom(javaSeed)
		for c := 0; c < calls && ourErr == nil; c++ {
			var p [][]int32
			p, ourErr = placement.Place(brokers, parts, rf, jr)
			ours = append(ours, p)
		}

		type wireBroker struct {
			ID   int32   `json:"id"`
			Rack *string `json:"rack,omitempty"`
		}
		req := map[string]any{}
		var wb []wireBroker
		for _, b := range brokers {
			w := wireBroker{ID: b.ID}
			if b.Rack != "" {
				rack := b.Rack
				w.Rack = &rack
			}
			wb = append(wb, w)
		}
		req["place"] = map[string]any{"brokers": wb, "partitions": parts, "replication_factor": rf, "seed": javaSeed, "calls": calls}
		line, _ := json.Marshal(req)
		answer, err := assignors.OracleLine(t, line)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		var a struct {
			Placements [][][]int32 `json:"placements"`
			Error      string      `json:"error"`
			Fatal      string      `json:"fatal"`
		}
		if err := json.Unmarshal([]byte(answer), &a); err != nil || a.Fatal != "" {
			t.Fatalf("seed %d: oracle answered %q (%v)", seed, answer, err)
		}
		if ourErr != nil || a.Error != "" {
			if ourErr == nil || a.Error == "" || !strings.Contains(a.Error, "InvalidReplicationFactorException") {
				t.Fatalf("seed %d (%s): we say %v, Kafka says %q", seed, line, ourErr, a.Error)
			}
			continue
		}
		if fmt.Sprint(ours) != fmt.Sprint(a.Placements) {
			t.Fatalf("seed %d: request %s\nours:  %v\nKafka: %v", seed, line, ours, a.Placements)
		}
	}
}
