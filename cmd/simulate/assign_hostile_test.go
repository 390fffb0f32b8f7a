package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Hostile inputs to `simulate assign`: each ends in a clear refusal (exit 2,
// a message naming the problem) or a valid answer, quickly and without
// allocating for counts it refuses.
func TestAssignHostileInputs(t *testing.T) {
	member := `{"id": "a", "topics": ["t"]}`
	cases := []struct {
		name, in string
		want     string // in stderr
	}{
		{"trailing text", `{"assignor": "range", "topics": {"t": 1}, "members": [` + member + `]} x`, "text after the JSON value"},
		{"two values", `{"assignor": "range", "topics": {}, "members": []} {}`, "text after the JSON value"},
		{"duplicate top-level key", `{"assignor": "range", "assignor": "sticky", "topics": {"t": 1}, "members": []}`, `key "assignor" appears twice`},
		{"duplicate topic", `{"assignor": "range", "topics": {"t": 1, "t": 2}, "members": []}`, `key "t" appears twice`},
		{"duplicate member key", `{"assignor": "range", "topics": {"t": 1}, "members": [{"id": "a", "id": "b", "topics": ["t"]}]}`, `key "id" appears twice`},
		{"duplicate owned topic", `{"assignor": "sticky", "topics": {"t": 2}, "members": [{"id": "a", "topics": ["t"], "owned": {"t": [0], "t": [1]}}]}`, `key "t" appears twice`},
		{"duplicate key deep in replicas", `{"assignor": "range", "topics": {"t": 1}, "replicas": {"t": [["a"]], "t": [["b"]]}, "members": []}`, `key "t" appears twice`},
		{"empty input", ``, "no JSON value"},
		{"whitespace only", " \n\t ", "no JSON value"},
		{"not an object", `[1, 2]`, "cannot unmarshal"},
		{"unterminated", `{"assignor": "range", "topics": {"t": 1}`, "unexpected end"},
		{"1e8 partitions", `{"assignor": "range", "topics": {"t": 100000000}, "members": [` + member + `]}`, "limit is 1000000 partitions"},
		{"1e9 partitions", `{"assignor": "uniform", "topics": {"t": 1000000000}, "members": [` + member + `]}`, "limit is 1000000 partitions"},
		{"partitions summed over topics", `{"assignor": "sticky", "topics": {"a": 600000, "b": 600000}, "members": []}`, "brings the total to 1200000"},
		{"int32 overflow", `{"assignor": "range", "topics": {"t": 4294967296}, "members": []}`, "cannot unmarshal number 4294967296"},
		{"negative partitions", `{"assignor": "range", "topics": {"t": -1}, "members": []}`, "must be >= 0"},
		{"float partitions", `{"assignor": "range", "topics": {"t": 1.5}, "members": []}`, "cannot unmarshal number 1.5"},
		{"generation overflow", `{"assignor": "sticky", "topics": {"t": 1}, "members": [{"id": "a", "topics": ["t"], "generation": 99999999999}]}`, "cannot unmarshal"},
		{"replicas of unknown topic", `{"assignor": "range", "topics": {"t": 1}, "replicas": {"u": [["a"]]}, "members": []}`, "replicas.u: no such topic"},
		{"replicas of wrong length", `{"assignor": "range", "topics": {"t": 2}, "replicas": {"t": [["a"]]}, "members": []}`, "replicas.t: 1 partitions listed, the topic has 2"},
		{"rack not a string", `{"assignor": "range", "topics": {"t": 1}, "members": [{"id": "a", "topics": ["t"], "rack": 3}]}`, "cannot unmarshal"},
		{"unknown field", `{"assignor": "range", "topics": {"t": 1}, "members": [], "brokers": 3}`, `unknown field "brokers"`},
		{"bad topic id", `{"assignor": "uniform", "topics": {"t": 1}, "topic_ids": {"t": "nope"}, "members": []}`, "topic_ids.t"},
		{"owned out of range for uniform", `{"assignor": "uniform", "topics": {"t": 1}, "members": [{"id": "a", "topics": ["t"], "owned": {"t": [5]}}]}`, "rejects this input"},
		{"rack-aware sticky too large", `{"assignor": "cooperative-sticky", "topics": {"t": 999999, "u": 1}, "replicas": {"u": [["a"]]}, "members": [` +
			strings.TrimSuffix(strings.Repeat(`{"id": "x", "topics": ["t"], "rack": "a"},`, 201), ",") + `]}`, "limited to 200000000 partitions x members"},
		{"deep nesting", strings.Repeat("[", 100000) + strings.Repeat("]", 100000), "exceeded max depth"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			code, out, e := sim(t, c.in, "assign")
			if code != 2 || !strings.Contains(e, c.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, e, c.want)
			}
			if out != "" {
				t.Errorf("wrote %q to stdout on a refusal", out)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// TestAssignLimitNamesNoAllocation: the refusal of a huge partition count
// comes before the assignors allocate anything for it.
func TestAssignLimitNamesNoAllocation(t *testing.T) {
	in := `{"assignor": "sticky", "topics": {"t": 2000000000}, "members": [{"id": "a", "topics": ["t"]}]}`
	allocs := testing.AllocsPerRun(3, func() {
		var o, e bytes.Buffer
		if code := realMain([]string{"assign"}, strings.NewReader(in), &o, &e); code != 2 {
			t.Fatalf("exit %d: %s", code, e.String())
		}
	})
	if allocs > 500 {
		t.Errorf("%v allocations to refuse; the limit must come before the work", allocs)
	}
}

// TestAssignOutputIsJSONForAnyID: ids with quotes, backslashes, control
// characters, HTML characters and non-ASCII text come out as valid JSON
// that decodes to the same ids.
func TestAssignOutputIsJSONForAnyID(t *testing.T) {
	ids := []string{"a\"b", `c\d`, "e\x00f", "g\x1fh\ti\nj", "<k>&", "\u2028l\u2029", "m\x7fn", "ü-ñ-日本", "🦊"}
	topic := "t\x01\"\\"
	var members []string
	for i, id := range ids {
		b, _ := json.Marshal(map[string]any{"id": id, "topics": []string{topic}, "rack": id, "owned": map[string][]int{topic: {i}}, "generation": 1})
		members = append(members, string(b))
	}
	tb, _ := json.Marshal(topic)
	replicas := make([][]string, 20)
	for p := range replicas {
		replicas[p] = []string{ids[p%len(ids)]}
	}
	rb, _ := json.Marshal(replicas)
	in := fmt.Sprintf(`{"topics": {%s: 20}, "replicas": {%s: %s}, "members": [%s]}`, tb, tb, rb, strings.Join(members, ","))
	for _, name := range []string{"range", "roundrobin", "sticky", "cooperative-sticky", "uniform", "server-range"} {
		code, out, e := sim(t, in, "assign", "--assignor", name, "--explain")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s\n%s", name, code, e, in)
		}
		if !utf8.ValidString(out) || !json.Valid([]byte(out)) {
			t.Fatalf("%s: not valid JSON:\n%q", name, out)
		}
		var v struct {
			Assignment map[string]map[string][]int `json:"assignment"`
		}
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, id := range ids {
			tps, ok := v.Assignment[id]
			if !ok {
				t.Errorf("%s: member %q missing from %s", name, id, out)
			}
			n += len(tps[topic])
		}
		if n != 20 && name != "cooperative-sticky" { // which withholds moving partitions
			t.Errorf("%s: %d partitions of %q assigned, want 20", name, n, topic)
		}
	}
}

// TestAssignRacks: rack-aware range gives each member the partitions whose
// replicas share its rack (README's example).
func TestAssignRacks(t *testing.T) {
	in := `{"assignor": "range", "topics": {"t": 4},
	 "replicas": {"t": [["a", "b"], ["b", "c"], ["c", "a"], ["a", "b"]]},
	 "members": [{"id": "c1", "topics": ["t"], "rack": "c"}, {"id": "c2", "topics": ["t"], "rack": "a"}]}`
	code, out, e := sim(t, in, "assign")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	want := `{"assignment": {"c1": {"t": [1, 2]}, "c2": {"t": [0, 3]}}}` + "\n"
	if out != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
	// Without racks, plain range.
	code, out, _ = sim(t, strings.ReplaceAll(strings.ReplaceAll(in, `"rack": "c"`, `"rack": ""`), `"rack": "a"`, `"rack": ""`), "assign")
	if code != 0 || out != `{"assignment": {"c1": {"t": [0, 1]}, "c2": {"t": [2, 3]}}}`+"\n" {
		t.Errorf("without racks: exit %d, %s", code, out)
	}
}

// FuzzAssignInput: any input ends in exit 0 with valid JSON or exit 2 with
// a message, never a panic (sim turns a panic into a test failure).
func FuzzAssignInput(f *testing.F) {
	f.Add(specAssign)
	f.Add(`{"assignor": "cooperative-sticky", "topics": {"t": 4, "u": 2}, "replicas": {"u": [["a"], ["b", ""]]},
	 "members": [{"id": "a", "topics": ["t", "u"], "owned": {"t": [0, 1, 2, 3]}, "generation": 1, "rack": "a"},
	             {"id": "b", "topics": ["t"], "instance_id": "i", "rack": "b"}]}`)
	f.Add(`{"assignor": "uniform", "topics": {"t": 3}, "topic_ids": {"t": "AAAAAAAAAAAAAAAAAAAAAg"}, "members": [{"id": "x", "topics": ["t"], "owned": {"t": [2]}}]}`)
	f.Add(`{"assignor": "sticky", "topics": {"t": 1}, "members": [{"id": "a", "topics": ["t"]}]} {}`)
	f.Add(`{"a": 1, "a": 2}`)
	f.Fuzz(func(t *testing.T, in string) {
		// Big but legal groups are slow to assign and teach the fuzzer
		// nothing about parsing: parse them only.
		if g, _, err := parseAssignInput("fuzz", []byte(in), ""); err == nil {
			total := 0
			for _, tp := range g.Topics {
				total += int(tp.Partitions)
			}
			if total*max(1, len(g.Members)) > 1_000_000 {
				return
			}
		}
		for _, args := range [][]string{{"assign"}, {"assign", "--rounds", "--explain"}} {
			var o, e bytes.Buffer
			code := realMain(args, strings.NewReader(in), &o, &e)
			switch code {
			case 0:
				if !json.Valid(o.Bytes()) {
					t.Fatalf("exit 0 with invalid JSON %q for %q", o.String(), in)
				}
			case 2:
				if e.Len() == 0 || o.Len() != 0 {
					t.Fatalf("exit 2 with stderr %q, stdout %q", e.String(), o.String())
				}
			default:
				// --rounds may fail to converge (exit 1); anything else is a bug.
				if !strings.Contains(e.String(), "no convergence") {
					t.Fatalf("exit %d: %s for %q", code, e.String(), in)
				}
			}
		}
	})
}
