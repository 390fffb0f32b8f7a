package experiment

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// origin records which variant or sweep point set a parameter in the run
// being checked, so that a problem it causes points at that line.
type origin struct {
	line int
	ctx  string // `variant "eager"` or `sweep groups.p.consumers=4`
}

// checker reads decoded TOML strictly and reports problems with their line.
type checker struct {
	sink  *errSink
	lines *lineIndex
	over  map[string]origin // canonical tree path -> override; nil for the base file
	// failed is set by every fail: the sink drops repeats, so its size cannot
	// tell whether this pass found a problem.
	failed bool
	// eventPaths is where each event of the last scenario built is written.
	eventPaths []keyPath
}

// overriddenBy returns the override that set p or one of its ancestors.
func (c *checker) overriddenBy(p keyPath) (origin, bool) {
	if len(c.over) == 0 {
		return origin{}, false
	}
	for n := len(p); n > 0; n-- {
		if o, ok := c.over[p[:n].canon()]; ok {
			return o, true
		}
	}
	return origin{}, false
}

// fail reports a problem with key p. The other keys in also took part (a
// cross-field rule): when p is not overridden in this run but one of them
// is, the override's line is the one to show, since that is what the user
// changed to break the rule.
func (c *checker) fail(p keyPath, msg string, also ...keyPath) {
	c.failed = true
	w := c.locate(p, also...)
	c.sink.add(w.line, w.key, msg+w.suffix())
}

// where is a key as a message shows it: its line (or the line of the
// override that set it or a key it depends on) and the runs it concerns.
type where struct {
	line int
	key  string
	ctx  []string // `variant "eager"`, `sweep groups.p.consumers=4`
}

func (w where) suffix() string {
	if len(w.ctx) == 0 {
		return ""
	}
	return " (" + strings.Join(w.ctx, "; ") + ")"
}

// locate finds where to report key p, as fail does.
func (c *checker) locate(p keyPath, also ...keyPath) where {
	w := where{key: p.String()}
	for _, q := range append([]keyPath{p}, also...) {
		o, ok := c.overriddenBy(q)
		if !ok {
			continue
		}
		if w.line == 0 {
			w.line = o.line
		}
		if !contains(w.ctx, o.ctx) {
			w.ctx = append(w.ctx, o.ctx)
		}
	}
	if w.line == 0 {
		w.line = c.lines.line(p)
	}
	for _, q := range also {
		if w.line == 0 { // p is not written (a default): show a key it depends on that is
			w.line = c.lines.line(q)
		}
	}
	return w
}

// tbl is one decoded TOML table and where it is.
type tbl struct {
	m map[string]any
	p keyPath
}

// val is one read value. Only the fields of its kind are meaningful.
type val struct {
	i  int64
	f  float64
	s  string
	b  bool
	d  time.Duration
	ss []string
	// nodes are the brokers of a kBrokers array (nil for a count, in i);
	// list says a kRacks value was written as an array.
	nodes []scenario.Node
	list  bool
	is    []int64
	set   bool // written (in the file or by an override), not defaulted
	ok    bool // has a valid value, written or default
}

// sortedKeys returns m's keys sorted: map order must never reach a message.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// unknown reports keys of t that sec does not define.
func (c *checker) unknown(t tbl, sec *section) {
	for _, k := range sortedKeys(t.m) {
		if c.sink.full() {
			return // enough to show; suggesting names for the rest costs time
		}
		if sec.def(k) == nil && !contains(sec.extra, k) {
			c.fail(t.p.key(k), unknownKeyMsg(k, sec))
		}
	}
}

func unknownKeyMsg(k string, sec *section) string {
	var names []string
	for _, d := range sec.defs {
		names = append(names, d.name)
	}
	names = append(names, sec.extra...)
	if s := closest(k, names); s != "" {
		return fmt.Sprintf("unknown key in %s; did you mean %s?", article(sec.what), s)
	}
	if len(names) <= 15 {
		return fmt.Sprintf("unknown key in %s; allowed: %s", article(sec.what), strings.Join(names, ", "))
	}
	return fmt.Sprintf("unknown key in %s; `simulate list` shows the allowed keys", article(sec.what))
}

// article puts "a" or "an" before a word.
func article(w string) string {
	if w != "" && strings.ContainsRune("aeiou", rune(w[0])) {
		return "an " + w
	}
	return "a " + w
}

// closest returns the candidate within a small edit distance of k, if any;
// among equally close ones, the one sharing the longest prefix with k (a
// typo is more often at the end: "rat" is "rate" rather than "at").
func closest(k string, candidates []string) string {
	best, bestD, bestP := "", len(k)/3+2, -1
	for _, c := range candidates {
		d, p := editDistance(k, c), commonPrefix(k, c)
		if d < bestD || d == bestD && best != "" && p > bestP {
			best, bestD, bestP = c, d, p
		}
	}
	return best
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return math.MaxInt32 // not worth comparing; bounds the work on hostile input
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// table returns the sub-table name of t; ok is false when it is absent or
// not a table (reported).
func (c *checker) table(t tbl, name, hint string) (tbl, bool) {
	raw, present := t.m[name]
	p := t.p.key(name)
	if !present {
		return tbl{m: map[string]any{}, p: p}, false
	}
	m, isMap := raw.(map[string]any)
	if !isMap {
		c.fail(p, fmt.Sprintf("must be a table (%s), not %s", hint, describe(raw)))
		return tbl{m: map[string]any{}, p: p}, false
	}
	return tbl{m: m, p: p}, true
}

// tables returns the elements of an array of tables ([[name]] or
// name = [{...}, ...]); nil when absent or malformed (reported).
func (c *checker) tables(t tbl, name, hint string) []tbl {
	raw, present := t.m[name]
	if !present {
		return nil
	}
	p := t.p.key(name)
	var out []tbl
	switch x := raw.(type) {
	case []map[string]any:
		for i, m := range x {
			out = append(out, tbl{m: m, p: p.at(i)})
		}
	case []any:
		for i, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				c.fail(p.at(i), fmt.Sprintf("must be a table (%s), not %s", hint, describe(e)))
				continue
			}
			out = append(out, tbl{m: m, p: p.at(i)})
		}
	default:
		c.fail(p, fmt.Sprintf("must be an array of tables (%s), not %s", hint, describe(raw)))
	}
	return out
}

// get reads key name of t as sec defines it, applying the default.
func (c *checker) get(t tbl, sec *section, name string) val {
	d := sec.def(name)
	if d == nil {
		panic("experiment: no definition for key " + name) // a bug in this package, not bad input
	}
	raw, present := t.m[name]
	if !present {
		if d.req {
			c.fail(t.p.key(name), "required key is missing ("+d.doc+")")
			return val{}
		}
		if d.def == nil {
			return val{}
		}
		return c.conv(lazyPath{t.p, name}, d, d.def)
	}
	v := c.conv(lazyPath{t.p, name}, d, raw)
	v.set = true
	return v
}

// lazyPath is a key's path, built only when a message needs it: building
// one for every key read made loading a large sweep several times slower.
type lazyPath struct {
	parent keyPath
	name   string
}

func (l lazyPath) path() keyPath { return l.parent.key(l.name) }

// conv checks raw, the value of key d.name in the table at lp.parent, and
// converts it.
func (c *checker) conv(lp lazyPath, d *keyDef, raw any) val {
	var v val
	switch d.kind {
	case kInt, kMillis:
		n, isInt := raw.(int64)
		if !isInt {
			msg := "must be an integer, not " + describe(raw)
			if d.kind == kMillis {
				msg = "must be an integer number of milliseconds, not " + describe(raw)
				if s, isStr := raw.(string); isStr {
					if dd, err := time.ParseDuration(s); err == nil && dd >= 0 {
						msg += fmt.Sprintf(" (write %d)", dd.Milliseconds())
					}
				}
			}
			c.fail(lp.path(), msg)
			return v
		}
		if n < d.min || n > d.max {
			c.fail(lp.path(), fmt.Sprintf("%d %s", n, intRange(d.min, d.max)))
			return v
		}
		v.i = n
		v.d = time.Duration(n) * time.Millisecond // NB: max is a Java int, far from overflow
	case kDuration:
		s, isStr := raw.(string)
		var dd time.Duration
		if n, isNum := number(raw); isNum && d.unit > 0 {
			// A count of the key's unit (lag_time_s_max = 30).
			s = formatFloat(n) + unitName(d.unit)
			if math.IsNaN(n) || math.IsInf(n, 0) || n < 0 || n*float64(d.unit) > float64(d.max) {
				c.fail(lp.path(), fmt.Sprintf("%s must be from 0 to %s", formatFloat(n), maxTimeText))
				return v
			}
			dd = time.Duration(n * float64(d.unit))
		} else if !isStr {
			msg := `must be a duration string such as "250ms", "45s" or "10m", not ` + describe(raw)
			if d.unit > 0 {
				msg = fmt.Sprintf(`must be a duration string such as "30s" or a number of %s, not %s`, unitWord(d.unit), describe(raw))
			}
			c.fail(lp.path(), msg)
			return v
		} else {
			var err error
			dd, err = time.ParseDuration(s)
			if err != nil {
				c.fail(lp.path(), fmt.Sprintf(`%q is not a duration: write a number and a unit (ns, us, ms, s, m, h), e.g. "250ms", "45s", "1h30m"`, s))
				return v
			}
		}
		if dd < 0 {
			c.fail(lp.path(), fmt.Sprintf("%q must not be negative", s))
			return v
		}
		if dd > time.Duration(d.max) {
			c.fail(lp.path(), fmt.Sprintf("%q is longer than %s, the longest time the simulator takes: %s", s, maxTimeText, whyMaxTime))
			return v
		}
		if d.gt && dd == 0 {
			c.fail(lp.path(), fmt.Sprintf("%q must be greater than 0", s))
			return v
		}
		v.d = dd
		v.s = s
	case kFloat:
		var f float64
		switch x := raw.(type) {
		case int64:
			f = float64(x)
		case float64:
			f = x
		default:
			c.fail(lp.path(), "must be a number, not "+describe(raw))
			return v
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			c.fail(lp.path(), "must be a finite number, not "+formatFloat(f))
			return v
		}
		if d.gt && f <= d.fmin {
			c.fail(lp.path(), fmt.Sprintf("%s must be greater than %s", formatFloat(f), formatFloat(d.fmin)))
			return v
		}
		if !d.gt && f < d.fmin {
			c.fail(lp.path(), fmt.Sprintf("%s must not be negative", formatFloat(f)))
			return v
		}
		if d.fmax > 0 && f > d.fmax {
			c.fail(lp.path(), fmt.Sprintf("%s is more than %s: %s", formatFloat(f), formatFloat(d.fmax), d.whyMax))
			return v
		}
		v.f = f
	case kEnum:
		s, isStr := raw.(string)
		if !isStr {
			c.fail(lp.path(), fmt.Sprintf("must be one of %s, not %s", strings.Join(d.enum, ", "), describe(raw)))
			return v
		}
		if d.alias != nil {
			canon, msg := d.alias(s)
			if msg != "" {
				c.fail(lp.path(), msg)
				return v
			}
			s = canon
		}
		i := indexOf(d.enum, s)
		if i < 0 {
			c.fail(lp.path(), fmt.Sprintf("%q must be one of %s", s, strings.Join(d.enum, ", ")))
			return v
		}
		v.s, v.i = s, int64(i)
	case kBool:
		b, isBool := raw.(bool)
		if !isBool {
			c.fail(lp.path(), "must be true or false, not "+describe(raw))
			return v
		}
		v.b = b
	case kText, kName:
		s, isStr := raw.(string)
		if !isStr {
			c.fail(lp.path(), "must be a string, not "+describe(raw))
			return v
		}
		if d.kind == kName && s == "" {
			c.fail(lp.path(), "must not be empty")
			return v
		}
		v.s = s
	case kNames, kStrategy:
		var list []any
		switch x := raw.(type) {
		case string:
			if d.kind == kNames {
				c.fail(lp.path(), fmt.Sprintf("must be an array of strings, e.g. [%q]", x))
				return v
			}
			list = []any{x}
			if strings.Contains(x, ",") {
				// Kafka's list syntax, as pasted from a .properties file:
				// "a, b" is [a, b] (ConfigDef splits on commas and the
				// white space around them).
				list = nil
				for _, part := range strings.Split(x, ",") {
					list = append(list, strings.TrimSpace(part))
				}
			}
		case []any:
			list = x
		default:
			c.fail(lp.path(), "must be an array of strings, not "+describe(raw))
			return v
		}
		if len(list) == 0 {
			c.fail(lp.path(), "must not be empty")
			return v
		}
		ok := true
		seen := make(map[string]bool, len(list)) // NB: lookup only
		for i, e := range list {
			s, isStr := e.(string)
			msg := ""
			if isStr && d.alias != nil {
				orig := s
				s, msg = d.alias(s)
				if msg == "" && s != orig && seen[s] {
					msg = fmt.Sprintf("%q is %q, listed twice", orig, s)
				}
			}
			switch {
			case !isStr:
				c.fail(lp.path().at(i), "must be a string, not "+describe(e))
				ok = false
			case msg != "":
				c.fail(lp.path().at(i), msg)
				ok = false
			case s == "":
				c.fail(lp.path().at(i), "must not be empty")
				ok = false
			case d.kind == kStrategy && indexOf(d.enum, s) < 0:
				c.fail(lp.path().at(i), fmt.Sprintf("%q must be one of %s", s, strings.Join(d.enum, ", ")))
				ok = false
			case seen[s]:
				c.fail(lp.path().at(i), fmt.Sprintf("%q is listed twice", s))
				ok = false
			default:
				seen[s] = true
				v.ss = append(v.ss, s)
			}
			if c.sink.full() {
				return val{}
			}
		}
		if !ok {
			return val{}
		}
	case kRacks:
		return c.convRacks(lp, raw)
	case kBrokers:
		return c.convBrokers(lp, d, raw)
	case kSeeds:
		list, isList := raw.([]any)
		if !isList {
			c.fail(lp.path(), "must be an array of integers, e.g. [1, 2, 3], not "+describe(raw))
			return v
		}
		if len(list) == 0 {
			c.fail(lp.path(), "must not be empty")
			return v
		}
		ok := true
		seen := make(map[int64]bool, len(list)) // NB: lookup only
		for i, e := range list {
			n, isInt := e.(int64)
			switch {
			case !isInt:
				c.fail(lp.path().at(i), "must be an integer, not "+describe(e))
				ok = false
			case n < 0:
				c.fail(lp.path().at(i), fmt.Sprintf("%d must not be negative", n))
				ok = false
			case seen[n]:
				c.fail(lp.path().at(i), fmt.Sprintf("%d is listed twice", n))
				ok = false
			default:
				seen[n] = true
				v.is = append(v.is, n)
			}
			if c.sink.full() {
				return val{}
			}
		}
		if !ok {
			return val{}
		}
	}
	v.ok = true
	return v
}

func intRange(lo, hi int64) string {
	switch {
	case hi == math.MaxInt64 && lo == 0:
		return "must not be negative"
	case hi == math.MaxInt64:
		return fmt.Sprintf("must be at least %d", lo)
	}
	return fmt.Sprintf("must be from %d to %d", lo, hi)
}

// describe names a decoded value's TOML type and shows it, for messages.
func describe(raw any) string {
	switch x := raw.(type) {
	case string:
		return fmt.Sprintf("the string %q", x)
	case int64:
		return fmt.Sprintf("the integer %d", x)
	case float64:
		return "the float " + tomlLiteral(x)
	case bool:
		return fmt.Sprintf("the boolean %t", x)
	case []any, []map[string]any:
		return "an array"
	case map[string]any:
		return "a table"
	case time.Time:
		return "a date-time"
	}
	return fmt.Sprintf("a %T", raw)
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func contains(list []string, s string) bool { return indexOf(list, s) >= 0 }

// validName reports whether s is a name of a topic, producer or group:
// letters, digits, '-' and '_' (they become file names and CSV fields).
func validName(s string) bool { return isBareKey(s) }

// validRunName is validName plus '.', for experiment and variant names; a
// name of dots alone would be a special directory.
func validRunName(s string) bool {
	if strings.Trim(s, ".") == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isBareByte(s[i]) && s[i] != '.' {
			return false
		}
	}
	return true
}

// quoteList formats names for messages: "a", "b".
func quoteList(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// number reads a TOML integer or float.
func number(raw any) (float64, bool) {
	switch x := raw.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func unitName(u time.Duration) string {
	if u == time.Millisecond {
		return "ms"
	}
	return "s"
}

func unitWord(u time.Duration) string {
	if u == time.Millisecond {
		return "milliseconds"
	}
	return "seconds"
}
