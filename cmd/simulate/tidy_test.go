package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// tidy has every kind of column: variants, a numeric and a string sweep
// axis (a Java class name among them), seeds and an SLO.
const tidy = `name = "tidy"
duration = "30s"
seeds = [1, 2]

[topics.t]
partitions = 4

[producers.p]
topic = "t"
rate = 400

[groups.g]
topics = ["t"]
consumers = 2
processing_time = "1ms"

[[events]]
at = "15s"
group = "g"
action = "join"
count = 1

[[variants]]
name = "short-session"
"groups.g.session.timeout.ms" = 10000

[[variants]]
name = "long-session"
"groups.g.session.timeout.ms" = 45000

[sweep]
"groups.g.consumers" = [1, 3]
"groups.g.partition.assignment.strategy" = ["range", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"]

[slo]
lag_time_s_max = "20s"
warmup = "10s"
`

// colType is what every value of a column parses as.
func colType(values []string) string {
	kinds := map[string]bool{}
	for _, v := range values {
		switch {
		case v == "":
			kinds["empty"] = true
		case v == "true" || v == "false":
			kinds["bool"] = true
		case isInt(v):
			kinds["int"] = true
		case isFloat(v):
			kinds["float"] = true
		default:
			kinds["string"] = true
		}
	}
	if kinds["int"] && kinds["float"] {
		delete(kinds, "int") // a float column may hold whole numbers
	}
	var ks []string
	for k := range kinds {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, "+")
}

func isInt(v string) bool { _, err := strconv.ParseInt(v, 10, 64); return err == nil }
func isFloat(v string) bool {
	f, err := strconv.ParseFloat(v, 64)
	return err == nil && !strings.ContainsAny(v, "aAiInN") && f == f
}

// readCSV reads a file with encoding/csv, strictly: every row as wide as
// the header, header names unique. It returns the columns by name.
func readCSV(t *testing.T, path string) ([]string, map[string][]string, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f) // FieldsPerRecord 0: every row as wide as the first
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(rows) < 2 {
		t.Fatalf("%s: %d rows", path, len(rows))
	}
	head := rows[0]
	cols := map[string][]string{}
	for i, h := range head {
		if h == "" || cols[h] != nil {
			t.Errorf("%s: column %d is %q: empty or twice", path, i, h)
		}
		cols[h] = []string{}
		for _, row := range rows[1:] {
			cols[h] = append(cols[h], row[i])
		}
	}
	return head, cols, len(rows) - 1
}

// The outputs load into a data frame as they are: one typed value per
// cell, swept parameters as columns of their own, the run's variant, seed
// and sweep values on every row of every CSV, one name per figure across
// summary.json, summary.csv and the SLO verdicts.
func TestOutputsAreTidy(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "tidy.toml", tidy)
	out := filepath.Join(dir, "r")
	if code, _, e := sim(t, "", "run", "--quiet", "--no-charts", "--out", out, file); code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	runCols := []string{"run", "variant", "seed", "groups.g.consumers", "groups.g.partition.assignment.strategy"}
	want := map[string]map[string]string{
		"summary.csv": {"run": "string", "variant": "string", "seed": "int", "groups.g.consumers": "int",
			"groups.g.partition.assignment.strategy": "string", "group": "string", "produced": "int", "lag_max": "int",
			"lag_time_s_max": "float", "partition_pause_s_max_single": "float", "latency_ms_p99": "float",
			"after_warmup_lag_time_s_max": "float", "after_warmup_from_s": "int", "slo_pass": "bool"},
		"timeseries.csv": {"seed": "int", "groups.g.consumers": "int", "t_s": "int", "lag": "int", "lag_time_s": "float",
			"rebalancing": "bool", "generation": "int"},
		"rebalances.csv": {"seed": "int", "generation": "int", "start_s": "float", "end_s": "float", "cause": "string", "moved": "int"},
	}
	summaryHead := []string(nil)
	for name, types := range want {
		head, cols, rows := readCSV(t, filepath.Join(out, "tidy", name))
		if name == "summary.csv" {
			summaryHead = head
			if rows != 2*2*2*2 {
				t.Errorf("summary.csv: %d rows, want 16 (2 variants x 4 sweep points x 2 seeds)", rows)
			}
		}
		if strings.Join(head[:len(runCols)], ",") != strings.Join(runCols, ",") {
			t.Errorf("%s starts with %v, want %v", name, head[:len(runCols)], runCols)
		}
		for _, h := range head {
			typ := colType(cols[h])
			if strings.Contains(typ, "+") && typ != "empty+float" {
				t.Errorf("%s: column %s mixes %s", name, h, typ)
			}
			if typ == "empty" {
				t.Errorf("%s: column %s is empty in every row", name, h)
			}
			for _, v := range cols[h] {
				if v == "NaN" || strings.Contains(v, "Inf") {
					t.Errorf("%s: column %s holds %s", name, h, v)
				}
			}
			if w, ok := types[h]; ok && typ != w && !(w == "float" && typ == "empty+float") {
				t.Errorf("%s: column %s is %s, want %s", name, h, typ, w)
			}
		}
		for h := range types {
			if cols[h] == nil {
				t.Errorf("%s has no column %s", name, h)
			}
		}
	}

	// summary.json: a schema version, and the same names.
	b, err := os.ReadFile(filepath.Join(out, "tidy", "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		SchemaVersion   int      `json:"schema_version"`
		SweepParameters []string `json:"sweep_parameters"`
		Runs            []struct {
			ID      string                         `json:"id"`
			Variant string                         `json:"variant"`
			Sweep   map[string]any                 `json:"sweep"`
			SLOPass *bool                          `json:"slo_pass"`
			SLO     struct{ Checks []SLOCheckish } `json:"slo"`
			Groups  []map[string]any               `json:"groups"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if s.SchemaVersion != 2 || strings.Join(s.SweepParameters, ",") != strings.Join(runCols[3:], ",") || len(s.Runs) != 16 {
		t.Fatalf("schema %d, sweep %v, %d runs", s.SchemaVersion, s.SweepParameters, len(s.Runs))
	}
	inHead := map[string]bool{}
	for _, h := range summaryHead {
		inHead[h] = true
	}
	for _, r := range s.Runs {
		if r.SLOPass == nil || r.Variant == "" || len(r.Sweep) != 2 {
			t.Errorf("run %s: slo_pass %v variant %q sweep %v", r.ID, r.SLOPass, r.Variant, r.Sweep)
		}
		for _, g := range r.Groups {
			for _, key := range flatten("", g) {
				if key != "group" && !inHead[key] {
					t.Errorf("summary.json's %s is not a summary.csv column", key)
				}
			}
		}
		for _, c := range r.SLO.Checks {
			if !inHead[c.Objective] || !inHead["after_warmup_"+c.Objective] {
				t.Errorf("objective %s is not named as its metric", c.Objective)
			}
		}
	}
}

type SLOCheckish struct {
	Objective string `json:"objective"`
}

// flatten names the leaves of a JSON object as pandas.json_normalize(sep="_")
// does.
func flatten(prefix string, v any) []string {
	m, ok := v.(map[string]any)
	if !ok {
		return []string{prefix}
	}
	var out []string
	for k, x := range m {
		if _, list := x.([]any); list {
			continue // autoscaler steps: a list, not a column
		}
		name := k
		if prefix != "" {
			name = prefix + "_" + k
		}
		out = append(out, flatten(name, x)...)
	}
	return out
}

// Without variants, a sweep or an SLO, their columns are left out, not
// written empty.
func TestTidyWithoutVariantsSweepOrSLO(t *testing.T) {
	dir := t.TempDir()
	src := tidy[:strings.Index(tidy, "[[variants]]")]
	file := writeFile(t, dir, "plain.toml", strings.Replace(src, `name = "tidy"`, `name = "plain"`, 1))
	out := filepath.Join(dir, "r")
	if code, _, e := sim(t, "", "run", "--quiet", "--no-charts", "--out", out, file); code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	for _, name := range []string{"summary.csv", "timeseries.csv", "rebalances.csv"} {
		head, _, _ := readCSV(t, filepath.Join(out, "plain", name))
		if head[0] != "run" || head[1] != "seed" || head[2] != "group" {
			t.Errorf("%s starts with %v", name, head[:3])
		}
		for _, h := range head {
			if h == "variant" || h == "slo_pass" || strings.HasPrefix(h, "after_warmup") || strings.Contains(h, ".") {
				t.Errorf("%s has column %s", name, h)
			}
		}
	}
	b, _ := os.ReadFile(filepath.Join(out, "plain", "summary.json"))
	for _, key := range []string{`"variant"`, `"slo_pass"`, `"sweep"`, `"after_warmup"`} {
		if strings.Contains(string(b), key) {
			t.Errorf("summary.json has %s", key)
		}
	}
}
