package experiment

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
)

// Load reads, validates and expands the experiment file at path.
// A bad file gives an *Error or an ErrorList.
func Load(path string) (*Experiment, error) {
	data, err := readLimited(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is already in File
		}
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read the file: %v", err)}
	}
	return Parse(path, data)
}

// MaxFileSize bounds an experiment file. The largest meaningful one, a
// 100,000-seed list (the run limit), is about 1 MB; the TOML library keeps
// several times the text in memory while decoding it.
const MaxFileSize = 8 << 20

// readLimited reads at most MaxFileSize+1 bytes, so a huge file (or a
// device such as /dev/zero) is refused without being read whole.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxFileSize+1))
}

// Parse validates and expands an experiment given as bytes. file names it in
// messages and, without its directories and .toml, is the default name.
func Parse(file string, data []byte) (x *Experiment, err error) {
	defer func() {
		// A safety net for the CLI: bad input must never crash it. The fuzz
		// test fails on this message, so it does not hide bugs.
		if r := recover(); r != nil {
			x, err = nil, &Error{File: file, Msg: fmt.Sprintf("internal error while reading this file (please report it): %v", r)}
		}
	}()
	if len(data) > MaxFileSize {
		return nil, &Error{File: file, Msg: fmt.Sprintf("the file is larger than %d MB, the limit for an experiment "+
			"(the largest meaningful one, 100,000 seeds, is about 1 MB)", MaxFileSize>>20)}
	}
	// The scanner runs first: it is linear in any input, and it refuses
	// nesting that would make the TOML library's work grow with its square.
	lines := scanLines(data)
	if lines.deep != nil {
		e := *lines.deep
		e.File = file
		return nil, &e
	}
	var root map[string]any
	if _, err := toml.Decode(string(data), &root); err != nil {
		return nil, syntaxError(file, err)
	}
	sink := newSink(file)
	c := &checker{sink: sink, lines: lines}
	x = &Experiment{File: file, Source: bytes.Clone(data)}
	sum := sha256.Sum256(data)
	x.SHA256 = hex.EncodeToString(sum[:])

	top := tbl{m: root}
	c.unknown(top, topSection)
	x.Name = readName(c, top, file)
	x.Description = c.get(top, topSection, "description").s
	checkText(c, keyPath{}.key("description"), x.Description)
	x.Seeds = readSeeds(c, top)
	var slo *sloCheck
	x.SLO, slo = readSLO(c, top)
	variants := readVariants(c, top, root)
	var targets []keyPath
	x.Sweep, targets = readSweep(c, top, root)
	checkVariedAndSwept(c, variants, x.Sweep, targets)
	for _, v := range variants {
		x.Variants = append(x.Variants, v.name)
	}
	checkRunCount(c, len(variants), x.Sweep, len(x.Seeds))
	if c.failed {
		// The overrides cannot be trusted; still check the base file, so
		// one pass shows every problem.
		(&checker{sink: sink, lines: c.lines}).build(root, slo)
		return nil, sink.err()
	}
	configs := max(len(variants), 1)
	if x.Sweep != nil {
		for _, a := range x.Sweep.Axes {
			configs *= len(a.Values) // NB: bounded by checkRunCount
		}
	}
	x.runsAt = c.locate(runsKey(variants, x.Sweep, seedsSet(top)))
	x.loadBytes = loadEstimate(root, configs, configs*len(x.Seeds))
	if x.loadBytes > maxLoadMemory {
		c.fail(runsKey(variants, x.Sweep, false), loadMessage(x.loadBytes))
		return nil, sink.err()
	}
	x.Runs = expand(c, root, variants, x.Sweep, targets, x.Seeds, slo)
	if err := sink.err(); err != nil {
		return nil, err
	}
	return x, nil
}

// runsKey is the key that multiplies the runs: the sweep, the seeds or the
// variants.
func runsKey(variants []variant, sw *Sweep, seeds bool) keyPath {
	switch {
	case sw != nil:
		return keyPath{}.key("sweep")
	case seeds || len(variants) == 0:
		return keyPath{}.key("seeds")
	}
	return keyPath{}.key("variants")
}

func seedsSet(top tbl) bool {
	_, ok := top.m["seeds"]
	return ok
}

func syntaxError(file string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return &Error{File: file, Line: pe.Position.Line, Msg: "TOML syntax error: " + pe.Message}
	}
	return &Error{File: file, Msg: "TOML syntax error: " + err.Error()}
}

func readName(c *checker, top tbl, file string) string {
	p := keyPath{}.key("name")
	v := c.get(top, topSection, "name")
	if v.set {
		if v.ok && !nameTooLong(c, p, v.s) && !validRunName(v.s) {
			c.fail(p, fmt.Sprintf("%q is not allowed: use letters, digits, '-', '_' and '.'", v.s))
		}
		return v.s
	}
	base := ""
	if file != "" {
		base = strings.TrimSuffix(filepath.Base(file), ".toml")
	}
	if len(base) > maxNameLen {
		c.fail(p, fmt.Sprintf("required: the file name gives a name of %d characters, more than %d (names become file names)", len(base), maxNameLen))
	} else if !validRunName(base) {
		c.fail(p, fmt.Sprintf("required: the file name gives %q, which is not allowed as a name (letters, digits, '-', '_', '.')", base))
	}
	return base
}

func readSeeds(c *checker, top tbl) []uint64 {
	seed, seeds := c.get(top, topSection, "seed"), c.get(top, topSection, "seeds")
	if seed.set && seeds.set {
		c.fail(keyPath{}.key("seeds"), "give seed or seeds, not both", keyPath{}.key("seed"))
		return nil
	}
	if seeds.set {
		out := make([]uint64, len(seeds.is))
		for i, s := range seeds.is {
			out[i] = uint64(s)
		}
		return out
	}
	return []uint64{uint64(seed.i)}
}

func readSLO(c *checker, top tbl) (*SLO, *sloCheck) {
	t, ok := c.table(top, "slo", "[slo]")
	if !ok {
		return nil, nil
	}
	c.unknown(t, sloSection)
	get := func(k string) val {
		v := c.get(t, sloSection, k)
		// An objective may also be written by its older name, not both.
		for _, d := range sloSection.defs {
			if d.aliasOf != k {
				continue
			}
			if old := c.get(t, sloSection, d.name); old.set && v.set {
				c.fail(t.p.key(d.name), fmt.Sprintf("%s is the older name of %s, also set: give one (%s)", d.name, k, k), t.p.key(k))
			} else if old.set {
				v = old
			}
		}
		return v
	}
	maxLag, lagTime, p99, pause, warmup := get("lag_max"), get("lag_time_s_max"), get("latency_ms_p99"), get("partition_pause_s_max_single"), get("warmup")
	if !maxLag.set && !lagTime.set && !p99.set && !pause.set {
		c.fail(t.p, "needs at least one objective: "+strings.Join(SLOObjectives, ", "))
	}
	return &SLO{MaxLag: maxLag.i, MaxLagTime: lagTime.d, P99Latency: p99.d, MaxPause: pause.d, Warmup: warmup.d},
		&sloCheck{warmup: warmup, path: t.p.key("warmup")}
}
