package experiment

import (
	"strconv"
	"strings"
	"unicode"
)

// seg is one step of a key path: a table key, or an index into an array
// (of tables, or of values).
type seg struct {
	key   string
	index int // >= 0 for an array index; -1 for a key
}

// keyPath locates a key inside an experiment file, e.g. events[3].count or
// groups.processors."session.timeout.ms". The scanner and the extractor both
// build them, and meet on canon().
type keyPath []seg

func (p keyPath) key(k string) keyPath {
	q := make(keyPath, len(p), len(p)+1)
	copy(q, p)
	return append(q, seg{key: k, index: -1})
}

func (p keyPath) at(i int) keyPath {
	q := make(keyPath, len(p), len(p)+1)
	copy(q, p)
	return append(q, seg{index: i})
}

// keys appends several key segments.
func (p keyPath) keys(ks ...string) keyPath {
	q := p
	for _, k := range ks {
		q = q.key(k)
	}
	return q
}

// canon is the unambiguous form used as a map key: keys that are not bare
// TOML keys are quoted, so a key containing dots or brackets can never be
// mistaken for several segments or an index.
func (p keyPath) canon() string {
	return p.join(func(k string) string {
		if isBareKey(k) {
			return k
		}
		return strconv.Quote(k)
	})
}

// String is the form users read in messages: keys joined by dots, unquoted,
// so a Kafka key reads as the parameter path users write in variants
// (groups.processors.session.timeout.ms).
func (p keyPath) String() string {
	return p.join(func(k string) string {
		if k == "" {
			return `""` // an empty key must still show
		}
		if !printable(k) {
			// A key holding control characters is shown escaped: an
			// escape sequence in a file must not reach the terminal
			// through a message about it.
			return strconv.Quote(k)
		}
		return k
	})
}

func printable(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// join writes the path with key segments formatted by key, separated by
// dots, and index segments as [i].
func (p keyPath) join(key func(string) string) string {
	var b strings.Builder
	for i, s := range p {
		if s.index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(key(s.key))
	}
	return b.String()
}

func isBareKey(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isBareByte(s[i]) {
			return false
		}
	}
	return true
}

func isBareByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}
