package validation

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// Known is the list of documented disagreements: comparisons where the
// real broker does something the model does not do yet. They are reported
// as "known", with their reason, instead of failing the run; the model's
// owner fixes them, and a known entry that agrees again is reported so it
// can be removed. Tolerances are never widened to hide one.
type Known struct {
	entries []knownEntry
}

type knownEntry struct {
	experiment, variant, group, metric string
	note                               string
	line                               int
}

// ReadKnown reads a known-disagreements file: one per line,
// "EXPERIMENT VARIANT GROUP METRIC | what Kafka 4.4 does", "*" matching any
// variant or group, '#' starting a comment. A missing file is an empty list.
func ReadKnown(path string) (*Known, error) {
	k := &Known{}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return k, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		head, note, ok := strings.Cut(line, "|")
		fs := strings.Fields(head)
		if !ok || len(fs) != 4 {
			return nil, fmt.Errorf("%s:%d: want \"EXPERIMENT VARIANT GROUP METRIC | reason\"", path, n)
		}
		if _, err := MetricByName(fs[3]); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		k.entries = append(k.entries, knownEntry{fs[0], fs[1], fs[2], fs[3], strings.TrimSpace(note), n})
	}
	return k, sc.Err()
}

// Reason is the documented reason for a disagreement of this comparison, or
// "".
func (k *Known) Reason(experiment string, c *Comparison) string {
	if k == nil {
		return ""
	}
	for _, e := range k.entries {
		if e.experiment == experiment && (e.variant == "*" || e.variant == c.Variant) &&
			(e.group == "*" || e.group == c.Group) && e.metric == c.Metric {
			return e.note
		}
	}
	return ""
}
