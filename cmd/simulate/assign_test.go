package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// The README's example input for `simulate assign`.
const specAssign = `{"assignor": "range",
 "topics": {"orders": 6, "payments": 3},
 "members": [
   {"id": "c1", "topics": ["orders", "payments"], "owned": {"orders": [0, 1]}, "generation": 4},
   {"id": "c2", "topics": ["orders"], "instance_id": "pod-2"}
 ]}`

func TestAssignRangeSpecExample(t *testing.T) {
	code, out, e := sim(t, specAssign, "assign")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	// Static members sort first: pod-2 (c2) gets orders
	// 0-2, c1 orders 3-5 and every payments partition (only subscriber).
	want := `{"assignment": {"c1": {"orders": [3, 4, 5], "payments": [0, 1, 2]}, "c2": {"orders": [0, 1, 2]}}}` + "\n"
	if out != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
	// The same input gives the same bytes.
	_, again, _ := sim(t, specAssign, "assign", "-")
	if again != out {
		t.Error("assign is not deterministic")
	}
}

func TestAssignEveryAssignorAnswersJSON(t *testing.T) {
	for _, name := range []string{"range", "roundrobin", "sticky", "cooperative-sticky", "uniform", "server-range"} {
		code, out, e := sim(t, specAssign, "assign", "--assignor", name, "--explain")
		if code != 0 {
			t.Errorf("%s: exit %d: %s", name, code, e)
			continue
		}
		var v struct {
			Assignment map[string]map[string][]int `json:"assignment"`
			Explain    []struct {
				Topic     string
				Partition int
				Status    string
			} `json:"explain"`
		}
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Errorf("%s: output is not JSON: %v\n%s", name, err, out)
			continue
		}
		n := 0
		for _, tps := range v.Assignment {
			for _, ps := range tps {
				n += len(ps)
			}
		}
		withheld := 0
		for _, x := range v.Explain {
			if x.Status == "withheld" {
				withheld++
			}
		}
		if n+withheld != 9 || len(v.Explain) != 9 {
			t.Errorf("%s: %d assigned + %d withheld, %d explained; want 9", name, n, withheld, len(v.Explain))
		}
	}
}

func TestAssignCooperativeRounds(t *testing.T) {
	in := `{"assignor": "cooperative-sticky", "topics": {"t": 4},
	 "members": [{"id": "a", "topics": ["t"], "owned": {"t": [0, 1, 2, 3]}, "generation": 1},
	             {"id": "b", "topics": ["t"]}]}`
	code, out, e := sim(t, in, "assign", "--rounds", "--explain")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	var v struct {
		Rounds []struct {
			Assignment map[string]map[string][]int
		}
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	// Round 1 keeps two of a's partitions and withholds the two that move;
	// round 2 gives them to b; the follow-up revokes nothing.
	if len(v.Rounds) != 2 {
		t.Fatalf("%d rounds, want 2:\n%s", len(v.Rounds), out)
	}
	if len(v.Rounds[0].Assignment["a"]["t"]) != 2 || len(v.Rounds[0].Assignment["b"]["t"]) != 0 {
		t.Errorf("round 1: %v", v.Rounds[0].Assignment)
	}
	if len(v.Rounds[1].Assignment["b"]["t"]) != 2 {
		t.Errorf("round 2: %v", v.Rounds[1].Assignment)
	}
	if !strings.Contains(out, `"status": "withheld"`) {
		t.Errorf("round 1 should explain withheld partitions:\n%s", out)
	}
}

func TestAssignBadInputExitsTwo(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"assignor": "range", "topics": {"t": 1}, "members": [{"id": "a", "topics": ["t"]}`, "stdin"},
		{`{"assignor": "nope", "topics": {}, "members": []}`, "unknown assignor"},
		{`{"topics": {}, "members": []}`, "no assignor"},
		{`{"assignor": "range", "topics": {"t": 1}, "members": [{"id": "a", "topics": ["t"], "colour": 1}]}`, "colour"},
		{`{"assignor": "uniform", "topics": {"t": 1}, "members": [{"id": "a", "topics": ["nope"]}]}`, "PartitionAssignorException"},
		{`{"assignor": "range", "topics": {"t": 1}, "members": [{"id": "a", "topics": ["t"]}, {"id": "a", "topics": ["t"]}]}`, "twice"},
	} {
		code, _, e := sim(t, c.in, "assign")
		if code != 2 || !strings.Contains(e, c.want) {
			t.Errorf("input %s: exit %d, stderr %q; want 2 and %q", c.in, code, e, c.want)
		}
	}
}

// Kafka's class names, as a Java config names assignors, give the same
// answers as our names.
func TestAssignTakesJavaClassNames(t *testing.T) {
	for class, name := range map[string]string{
		"org.apache.kafka.clients.consumer.RangeAssignor":             "range",
		"org.apache.kafka.clients.consumer.RoundRobinAssignor":        "roundrobin",
		"org.apache.kafka.clients.consumer.StickyAssignor":            "sticky",
		"org.apache.kafka.clients.consumer.CooperativeStickyAssignor": "cooperative-sticky",
		"org.apache.kafka.coordinator.group.assignor.UniformAssignor": "uniform",
		"org.apache.kafka.coordinator.group.assignor.RangeAssignor":   "server-range",
	} {
		_, want, _ := sim(t, specAssign, "assign", "--assignor", name)
		code, got, e := sim(t, specAssign, "assign", "--assignor", class)
		if code != 0 || got != want {
			t.Errorf("--assignor %s: exit %d (%s)\n got %s\nwant %s", class, code, e, got, want)
		}
		in := strings.Replace(specAssign, `"assignor": "range"`, `"assignor": "`+class+`"`, 1)
		if code, got, e := sim(t, in, "assign"); code != 0 || got != want {
			t.Errorf(`"assignor": %q: exit %d (%s)\n got %s\nwant %s`, class, code, e, got, want)
		}
	}
}

// --format table prints the answer for people, and --explain what
// happened to each partition, with a count.
func TestAssignTable(t *testing.T) {
	code, out, e := sim(t, specAssign, "assign", "--format", "table", "--explain")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	want := `MEMBER  INSTANCE-ID  #PARTITIONS  ASSIGNMENT
c1      -            6            orders:3,4,5;payments:0,1,2
c2      pod-2        3            orders:0,1,2

9 partition(s): 2 moved, 7 new
TOPIC     PARTITION  STATUS  FROM  TO
orders    0          moved   c1    c2
orders    1          moved   c1    c2
orders    2          new     -     c2
orders    3          new     -     c1
orders    4          new     -     c1
orders    5          new     -     c1
payments  0          new     -     c1
payments  1          new     -     c1
payments  2          new     -     c1
`
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	// JSON stays JSON, --explain one partition per line.
	_, js, _ := sim(t, specAssign, "assign", "--explain")
	if !strings.HasPrefix(js, `{"assignment": {"c1": {"orders": [3, 4, 5], "payments": [0, 1, 2]}, "c2": {"orders": [0, 1, 2]}}, "explain": [`+"\n") ||
		strings.Count(js, "\n") != 11 {
		t.Errorf("--explain JSON:\n%s", js)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		t.Errorf("--explain is not JSON: %v", err)
	}
	if code, _, e := sim(t, specAssign, "assign", "--format", "yaml"); code != 2 || !strings.Contains(e, "want json or table") {
		t.Errorf("--format yaml: exit %d %q", code, e)
	}
}
