package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rebalance-sim/rebalance-sim/charts"
	"github.com/rebalance-sim/rebalance-sim/experiment"
	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/runner"
)

// Sharding: `simulate run --shard i/n` runs the runs whose index is i modulo
// n and writes a results folder for them, plus a .shard/ folder holding what
// the final files are made from: each run's results, its downsampled chart
// series and its timeseries rows. `simulate merge` reads the shards back and
// writes through the same Writer, so the merged folder has exactly the bytes
// of an unsharded run.

const shardDir = ".shard"

// Shard names one slice of an experiment's runs.
type Shard struct {
	Index, Of int
}

// Indexes returns the run indexes of the shard, in run order.
func (s Shard) Indexes(runs int) []int {
	var idx []int
	for i := s.Index; i < runs; i += s.Of {
		idx = append(idx, i)
	}
	return idx
}

type manifest struct {
	Experiment   string  `json:"experiment"`
	Version      string  `json:"version"`
	ConfigSHA256 string  `json:"config_sha256"`
	File         string  `json:"file"`
	Source       string  `json:"source"`
	Seed         *uint64 `json:"seed,omitempty"` // --seed, when given
	Charts       bool    `json:"charts"`
	Shard        int     `json:"shard"`
	Of           int     `json:"of"`
	Runs         []int   `json:"runs"`
}

type shardRun struct {
	Index   int                        `json:"index"`
	Result  *metrics.Result            `json:"result"`
	Samples map[string][]charts.Sample `json:"samples,omitempty"`
}

// SetShard makes the writer keep the shard data (before any Sink is used).
func (w *Writer) SetShard(s Shard, seed *uint64) {
	w.shard = &s
	w.seedOverride = seed
	os.MkdirAll(filepath.Join(w.tmp, shardDir), 0o755)
}

func seriesName(i int, shard bool) string {
	if shard {
		return filepath.Join(shardDir, fmt.Sprintf("series-%06d.csv", i))
	}
	return fmt.Sprintf(".series-%06d.csv", i)
}

// writeShard saves the manifest and each run's data.
func (w *Writer) writeShard(outs []runner.Outcome) error {
	m := manifest{Experiment: w.x.Name, Version: Version, ConfigSHA256: w.x.SHA256, File: w.x.File,
		Source: string(w.x.Source), Seed: w.seedOverride, Charts: w.charts, Shard: w.shard.Index, Of: w.shard.Of}
	for _, o := range outs {
		m.Runs = append(m.Runs, o.Index)
		sr := shardRun{Index: o.Index, Result: o.Result}
		if sp := w.samplers[o.Index]; sp != nil {
			sr.Samples = map[string][]charts.Sample{}
			for _, g := range o.Result.Groups {
				sr.Samples[g.Group] = sp.samples(g.Group)
			}
		}
		if err := writeJSONFile(filepath.Join(w.tmp, shardDir, fmt.Sprintf("run-%06d.json", o.Index)), sr); err != nil {
			return err
		}
	}
	return writeJSONFile(filepath.Join(w.tmp, shardDir, "manifest.json"), m)
}

func writeJSONFile(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// Merge combines shard results folders (each the --out of one `run --shard`)
// into root: for every experiment found in them, the files an unsharded run
// writes, and root/index.html. It checks that the shards belong together
// and cover every run exactly once.
func Merge(root string, shardRoots []string) ([]string, error) {
	found := map[string][]string{} // experiment name -> its shard folders; NB: names sorted below
	for _, sr := range shardRoots {
		entries, err := os.ReadDir(sr)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", sr, err)
		}
		any := false
		for _, e := range entries {
			if _, err := os.Stat(filepath.Join(sr, e.Name(), shardDir, "manifest.json")); err == nil && e.IsDir() {
				found[e.Name()] = append(found[e.Name()], filepath.Join(sr, e.Name()))
				any = true
			}
		}
		if !any {
			return nil, fmt.Errorf("%s: no shard results in it (write them with simulate run --shard I/N --out %s)", sr, sr)
		}
	}
	names := make([]string, 0, len(found))
	for n := range found {
		names = append(names, n)
	}
	sort.Strings(names)
	charted := false
	for _, name := range names {
		withCharts, err := mergeOne(root, found[name])
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		charted = charted || withCharts
	}
	if charted {
		if err := WriteIndex(root); err != nil {
			return nil, err
		}
	}
	return names, nil
}

func mergeOne(root string, dirs []string) (bool, error) {
	var ms []manifest
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, shardDir, "manifest.json"))
		if err != nil {
			return false, err
		}
		var m manifest
		if err := json.Unmarshal(b, &m); err != nil {
			return false, fmt.Errorf("%s: %v", d, err)
		}
		ms = append(ms, m)
	}
	first := ms[0]
	for i, m := range ms[1:] {
		if m.ConfigSHA256 != first.ConfigSHA256 || m.Version != first.Version || m.Of != first.Of ||
			m.Charts != first.Charts || !sameSeed(m.Seed, first.Seed) {
			return false, fmt.Errorf("%s and %s come from different experiment files, versions, seeds or shard counts", dirs[0], dirs[i+1])
		}
	}
	x, err := experiment.Parse(first.File, []byte(first.Source))
	if err != nil {
		return false, err
	}
	if first.Seed != nil {
		x = x.WithSeed(*first.Seed)
	}
	owner := make([]int, len(x.Runs))
	for i := range owner {
		owner[i] = -1
	}
	for d, m := range ms {
		for _, r := range m.Runs {
			if r < 0 || r >= len(owner) {
				return false, fmt.Errorf("%s: run %d does not exist", dirs[d], r)
			}
			if owner[r] >= 0 {
				return false, fmt.Errorf("run %s is in two shards (%s and %s)", x.Runs[r].ID, dirs[owner[r]], dirs[d])
			}
			owner[r] = d
		}
	}
	var missing []string
	for r, d := range owner {
		if d < 0 {
			missing = append(missing, x.Runs[r].ID)
		}
	}
	if len(missing) > 0 {
		return false, fmt.Errorf("runs missing from the shards: %s", strings.Join(missing, ", "))
	}
	w, err := NewWriter(root, x, first.Charts)
	if err != nil {
		return false, err
	}
	outs := make([]runner.Outcome, len(x.Runs))
	for r, d := range owner {
		b, err := os.ReadFile(filepath.Join(dirs[d], shardDir, fmt.Sprintf("run-%06d.json", r)))
		if err != nil {
			w.Abort()
			return false, err
		}
		var sr shardRun
		if err := json.Unmarshal(b, &sr); err != nil {
			w.Abort()
			return false, fmt.Errorf("%s: run %d: %v", dirs[d], r, err)
		}
		outs[r] = runner.Outcome{Index: r, Run: &x.Runs[r], Result: sr.Result}
		if first.Charts {
			w.samplers[r] = &sampler{fixed: sr.Samples}
		}
		path := filepath.Join(dirs[d], seriesName(r, true))
		if _, err := os.Stat(path); err != nil {
			w.Abort()
			return false, err
		}
		w.series[r] = &seriesFile{path: path, keep: true}
	}
	if err := w.Write(outs); err != nil {
		w.Abort()
		return false, err
	}
	return first.Charts, w.Commit()
}

func sameSeed(a, b *uint64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
