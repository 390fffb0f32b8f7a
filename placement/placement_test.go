package placement

import (
	"fmt"
	"slices"
	"testing"
)

// Values printed by java.util.Random on OpenJDK 17 for these seeds and
// bounds (three rounds over the bounds), and Collections.shuffle of 0..8.
func TestJavaRandomIsJavas(t *testing.T) {
	bounds := []int32{1, 2, 3, 7, 10, 16, 1000, 1 << 30, 2147483647}
	cases := []struct {
		seed    int64
		want    []int32
		shuffle []int
	}{
		{0, []int32{0, 1, 1, 2, 5, 4, 491, 125634880, 1283218719, 0, 0, 2, 0, 2, 15, 844, 944015042, 49567875, 0, 0, 1, 3, 4, 5, 652, 757175630, 49903503},
			[]int{3, 7, 2, 1, 0, 5, 4, 8, 6}},
		{42, []int32{0, 0, 0, 3, 0, 15, 505, 759898459, 1429255519, 0, 1, 2, 0, 2, 4, 32, 497844228, 1636576170, 0, 1, 2, 1, 6, 7, 243, 999257620, 830146030},
			[]int{4, 1, 5, 3, 7, 2, 6, 0, 8}},
		{-7, []int32{0, 1, 1, 3, 8, 2, 591, 338837718, 184135245, 0, 0, 2, 4, 5, 2, 822, 630187026, 272470848, 0, 0, 0, 3, 0, 13, 676, 8415927, 571542604},
			[]int{1, 2, 6, 0, 5, 3, 8, 7, 4}},
		{123456789012345, []int32{0, 1, 2, 1, 5, 13, 260, 996266494, 1748432479, 0, 1, 1, 6, 8, 4, 241, 724054033, 496414028, 0, 0, 1, 4, 1, 7, 147, 185238708, 246382167},
			[]int{5, 2, 6, 3, 0, 8, 1, 4, 7}},
	}
	for _, c := range cases {
		r := NewJavaRandom(c.seed)
		var got []int32
		for range 3 {
			for _, b := range bounds {
				got = append(got, r.NextInt(b))
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("seed %d: nextInt gives %v, Java %v", c.seed, got, c.want)
		}
		list := []int{0, 1, 2, 3, 4, 5, 6, 7, 8}
		shuffle(list, NewJavaRandom(c.seed))
		if !slices.Equal(list, c.shuffle) {
			t.Errorf("seed %d: shuffle gives %v, Java %v", c.seed, list, c.shuffle)
		}
	}
}

// Placements worked out by hand from Kafka's StripedReplicaPlacer, with the
// random numbers of java.util.Random for the seed (Java gives, for seed 1,
// nextInt(2), nextInt(2), nextInt(2), nextInt(3) = 1, 0, 0, 0; for seed 5,
// nextInt(3), nextInt(1), nextInt(3), nextInt(2) = 2, 0, 2, 1).
func TestPlaceByHand(t *testing.T) {
	// Six brokers in three racks. Kafka's HashMap of racks iterates az2,
	// az1, az3 (String hashes 97049, 97048, 97050 land in buckets 8, 9,
	// 11), so az2's brokers draw their start first (1: broker 5), then
	// az1's (0: broker 1), az3's (0: broker 3); the first rack is 0
	// (az1). Partition 0: az1 gives 1, az2 5, az3 3. Partition 1 starts at
	// az2, and each rack's start moved on by one in the new epoch: 2, then
	// az3 6, az1 4. Partition 2 starts at az3: 3, 1, 5. Partition 3 wraps
	// to az1: 4, 2, 6.
	six := []Broker{{1, "az1"}, {2, "az2"}, {3, "az3"}, {4, "az1"}, {5, "az2"}, {6, "az3"}}
	got, err := Place(six, 4, 3, NewJavaRandom(1))
	want := [][]int32{{1, 5, 3}, {2, 6, 4}, {3, 1, 5}, {4, 2, 6}}
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("six brokers in three racks: %v %v, want %v", got, err, want)
	}
	// The same brokers listed in another order place the same way: Kafka
	// iterates them by id.
	slices.Reverse(six)
	if again, _ := Place(six, 4, 3, NewJavaRandom(1)); fmt.Sprint(again) != fmt.Sprint(want) {
		t.Errorf("brokers in reverse order: %v, want %v", again, want)
	}

	// Three brokers without racks, one replica: the start is broker 3
	// (offset 2), then 1 and 2 as the epochs move it on; the fourth
	// partition begins a new round, shuffling the brokers (swaps 2<->2 and
	// 1<->1, so no change) and moving the start on once more: 3.
	three := []Broker{{1, ""}, {2, ""}, {3, ""}}
	got, err = Place(three, 4, 1, NewJavaRandom(5))
	want = [][]int32{{3}, {1}, {2}, {3}}
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("three brokers without racks: %v %v, want %v", got, err, want)
	}
}

func TestPlaceRefusesWhatKafkaRefuses(t *testing.T) {
	two := []Broker{{1, "a"}, {2, "b"}}
	for _, c := range []struct {
		brokers []Broker
		rf      int
		want    string
	}{
		{two, 3, "the target replication factor of 3 cannot be reached because only 2 broker(s) are registered"},
		{two, 0, "invalid replication factor 0: the replication factor must be positive"},
		{nil, 1, "all brokers are currently fenced"},
	} {
		if _, err := Place(c.brokers, 1, c.rf, NewJavaRandom(0)); err == nil || err.Error() != c.want {
			t.Errorf("rf %d on %d brokers: %v, want %q", c.rf, len(c.brokers), err, c.want)
		}
	}
}

// Properties Kafka's placer guarantees on any cluster: replicas are
// distinct brokers, and with at least as many racks as replicas (and the
// racks about the same size) every replica of a partition is in its own
// rack.
func TestPlaceProperties(t *testing.T) {
	for seed := int64(0); seed < 300; seed++ {
		r := NewJavaRandom(seed)
		racks := 1 + int(r.NextInt(5))
		per := 1 + int(r.NextInt(4))
		var brokers []Broker
		for i := 0; i < racks*per; i++ {
			brokers = append(brokers, Broker{ID: int32(100 + 7*i), Rack: fmt.Sprintf("r%d", i%racks)})
		}
		rf := 1 + int(r.NextInt(int32(min(len(brokers), 4))))
		parts := 1 + int(r.NextInt(40))
		got, err := Place(brokers, parts, rf, NewJavaRandom(seed))
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		rackOf := map[int32]string{}
		for _, b := range brokers {
			rackOf[b.ID] = b.Rack
		}
		for p, reps := range got {
			if len(reps) != rf {
				t.Fatalf("seed %d partition %d: %v has not %d replicas", seed, p, reps, rf)
			}
			seenB, seenR := map[int32]bool{}, map[string]bool{}
			for _, b := range reps {
				if _, ok := rackOf[b]; !ok || seenB[b] {
					t.Fatalf("seed %d partition %d: %v repeats or invents a broker", seed, p, reps)
				}
				seenB[b] = true
				seenR[rackOf[b]] = true
			}
			if rf <= racks && len(seenR) != rf {
				t.Fatalf("seed %d partition %d: %v puts two replicas in one rack with %d racks", seed, p, reps, racks)
			}
		}
	}
}
