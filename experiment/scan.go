package experiment

import (
	"sort"
	"strconv"
	"unicode/utf8"
)

// lineIndex maps key paths (canonical form) to the line that defines them.
//
// BurntSushi/toml gives no positions for keys, and its key metadata is shared
// by every element of an array of tables, so the line of events[3].count
// cannot be had from it. The scanner below reads the raw text once more and
// records where each key, table header and array element starts.
type lineIndex struct {
	lines    map[string]int  // canonical path -> 1-based line
	order    map[string]int  // canonical path -> rank of its first appearance
	implicit map[string]bool // defined only as a prefix of a longer key so far
}

// line is the line of p, or of its nearest ancestor that has one, or 0.
func (ix *lineIndex) line(p keyPath) int {
	if ix == nil {
		return 0
	}
	for n := len(p); n > 0; n-- {
		if l, ok := ix.lines[p[:n].canon()]; ok {
			return l
		}
	}
	return 0
}

// rank is the position of p's first appearance in the file (for file
// order where the decoded map has lost it), or -1 when p was not seen.
func (ix *lineIndex) rank(p keyPath) int {
	if ix == nil {
		return -1
	}
	if r, ok := ix.order[p.canon()]; ok {
		return r
	}
	return -1
}

// scanLines indexes src. It is written for text that BurntSushi/toml has
// accepted, but it must also survive anything else (it is fuzzed): every
// loop advances, and no index goes past the end.
func scanLines(src []byte) *lineIndex {
	s := &scanner{
		src:    src,
		arrays: map[string]int{},
		ix: &lineIndex{
			lines:    map[string]int{},
			order:    map[string]int{},
			implicit: map[string]bool{},
		},
	}
	for i, c := range src {
		if c == '\n' {
			s.newlines = append(s.newlines, i)
		}
	}
	if len(src) >= 3 && string(src[:3]) == "\ufeff" {
		s.pos = 3 // a byte-order mark is not part of the first key
	}
	s.run()
	return s.ix
}

type scanner struct {
	src      []byte
	pos      int
	newlines []int          // offsets of '\n', to turn an offset into a line
	arrays   map[string]int // canonical path of an array of tables -> elements so far
	ix       *lineIndex
	rank     int
}

func (s *scanner) lineAt(off int) int {
	// Lines before off = newlines at offsets < off.
	return sort.SearchInts(s.newlines, off) + 1
}

func (s *scanner) peek() byte {
	if s.pos < len(s.src) {
		return s.src[s.pos]
	}
	return 0
}

func (s *scanner) hasPrefix(p string) bool {
	return len(s.src)-s.pos >= len(p) && string(s.src[s.pos:s.pos+len(p)]) == p
}

// record notes the line of p unless p already has one. An explicit
// definition (a header, or the full key of a key/value) replaces a line
// recorded only because p was the prefix of a dotted key or header.
func (s *scanner) record(p keyPath, off int, implicit bool) {
	c := p.canon()
	if _, seen := s.ix.lines[c]; seen && !(s.ix.implicit[c] && !implicit) {
		return
	}
	if _, seen := s.ix.order[c]; !seen {
		s.ix.order[c] = s.rank
		s.rank++
	}
	s.ix.lines[c] = s.lineAt(off)
	s.ix.implicit[c] = implicit
}

func (s *scanner) run() {
	var table keyPath
	for s.pos < len(s.src) {
		s.skipSpace(true)
		if s.pos >= len(s.src) {
			return
		}
		start := s.pos
		if s.peek() == '[' {
			table = s.header()
		} else {
			s.keyValue(table)
		}
		s.skipLine()
		if s.pos == start {
			s.pos++ // garbage: never loop in place
		}
	}
}

// skipSpace skips blanks, comments and (when nl) newlines.
func (s *scanner) skipSpace(nl bool) {
	for s.pos < len(s.src) {
		switch s.src[s.pos] {
		case ' ', '\t', '\r':
			s.pos++
		case '\n':
			if !nl {
				return
			}
			s.pos++
		case '#':
			for s.pos < len(s.src) && s.src[s.pos] != '\n' {
				s.pos++
			}
		default:
			return
		}
	}
}

func (s *scanner) skipBlank() {
	for s.pos < len(s.src) && (s.src[s.pos] == ' ' || s.src[s.pos] == '\t') {
		s.pos++
	}
}

// skipLine moves past the end of the current line; in valid TOML only blanks
// and a comment remain there.
func (s *scanner) skipLine() {
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		s.pos++
		if c == '\n' {
			return
		}
	}
}

// header reads [a.b] or [[a.b]] and returns the table it opens, with array
// indexes resolved: after [[events]] twice, [events.x] is events[1].x.
func (s *scanner) header() keyPath {
	off := s.pos
	array := s.hasPrefix("[[")
	if array {
		s.pos += 2
	} else {
		s.pos++
	}
	keys := s.dottedKey()
	s.skipBlank()
	if array && s.hasPrefix("]]") {
		s.pos += 2
	} else if s.peek() == ']' {
		s.pos++
	}
	var p keyPath
	for i, k := range keys {
		p = p.key(k)
		last := i == len(keys)-1
		c := p.canon()
		if array && last {
			s.record(p, off, false)
			n := s.arrays[c]
			s.arrays[c] = n + 1
			p = p.at(n)
			s.record(p, off, false)
			break
		}
		s.record(p, off, !last)
		if n, ok := s.arrays[c]; ok && n > 0 {
			p = p.at(n - 1)
		}
	}
	return p
}

// keyValue reads `key = value` inside table.
func (s *scanner) keyValue(table keyPath) {
	off := s.pos
	keys := s.dottedKey()
	if len(keys) == 0 {
		return
	}
	s.skipBlank()
	if s.peek() != '=' {
		return
	}
	s.pos++
	s.skipBlank()
	p := table
	for i, k := range keys {
		p = p.key(k)
		s.record(p, off, i < len(keys)-1)
	}
	s.value(p)
}

// dottedKey reads a.b."c.d".'e' and returns the decoded segments.
func (s *scanner) dottedKey() []string {
	var keys []string
	for {
		s.skipBlank()
		k, ok := s.keySegment()
		if !ok {
			return keys
		}
		keys = append(keys, k)
		s.skipBlank()
		if s.peek() != '.' {
			return keys
		}
		s.pos++
	}
}

func (s *scanner) keySegment() (string, bool) {
	switch c := s.peek(); {
	case c == '"':
		return s.basicString(), true
	case c == '\'':
		return s.literalString(), true
	case isKeyByte(c):
		start := s.pos
		for s.pos < len(s.src) && isKeyByte(s.src[s.pos]) {
			s.pos++
		}
		return string(s.src[start:s.pos]), true
	}
	return "", false
}

// isKeyByte accepts bare-key bytes, and any non-ASCII byte so that text
// BurntSushi would reject still scans as something.
func isKeyByte(c byte) bool {
	return isBareByte(c) || c >= 0x80
}

// value skips one value, recording array elements and inline-table keys
// under p.
func (s *scanner) value(p keyPath) {
	switch {
	case s.hasPrefix(`"""`):
		s.multiline('"')
	case s.hasPrefix(`'''`):
		s.multiline('\'')
	case s.peek() == '"':
		s.basicString()
	case s.peek() == '\'':
		s.literalString()
	case s.peek() == '[':
		s.array(p)
	case s.peek() == '{':
		s.inlineTable(p)
	default:
		// Numbers, booleans, date-times (which may hold a space).
		for s.pos < len(s.src) {
			switch s.src[s.pos] {
			case ',', ']', '}', '#', '\n':
				return
			}
			s.pos++
		}
	}
}

func (s *scanner) array(p keyPath) {
	s.pos++ // [
	for i := 0; s.pos < len(s.src); {
		s.skipSpace(true)
		switch s.peek() {
		case ']':
			s.pos++
			return
		case ',':
			s.pos++
			continue
		case 0:
			if s.pos >= len(s.src) {
				return
			}
		}
		start := s.pos
		e := p.at(i)
		s.record(e, start, false)
		s.value(e)
		i++
		if s.pos == start {
			s.pos++
		}
	}
}

func (s *scanner) inlineTable(p keyPath) {
	s.pos++ // {
	for s.pos < len(s.src) {
		// TOML 1.1 (which BurntSushi v1.6 reads) lets inline tables span
		// lines and hold comments.
		s.skipSpace(true)
		switch s.peek() {
		case '}':
			s.pos++
			return
		case ',':
			s.pos++
			continue
		}
		start := s.pos
		keys := s.dottedKey()
		if len(keys) == 0 {
			s.pos++
			continue
		}
		s.skipBlank()
		if s.peek() == '=' {
			s.pos++
		}
		s.skipBlank()
		q := p
		for i, k := range keys {
			q = q.key(k)
			s.record(q, start, i < len(keys)-1)
		}
		s.value(q)
		if s.pos == start {
			s.pos++
		}
	}
}

// basicString reads "..." and returns its decoded text.
func (s *scanner) basicString() string {
	s.pos++ // "
	var out []byte
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch c {
		case '"':
			s.pos++
			return string(out)
		case '\n':
			return string(out) // unterminated: leave the newline to the caller
		case '\\':
			out = s.escape(out)
		default:
			out = append(out, c)
			s.pos++
		}
	}
	return string(out)
}

// escape decodes one backslash escape at s.pos and appends it to out.
func (s *scanner) escape(out []byte) []byte {
	s.pos++ // backslash
	if s.pos >= len(s.src) {
		return out
	}
	c := s.src[s.pos]
	s.pos++
	switch c {
	case 'b':
		return append(out, '\b')
	case 't':
		return append(out, '\t')
	case 'n':
		return append(out, '\n')
	case 'f':
		return append(out, '\f')
	case 'r':
		return append(out, '\r')
	case 'e': // TOML 1.1
		return append(out, 0x1b)
	case '"', '\\':
		return append(out, c)
	case 'x': // TOML 1.1
		return s.hexEscape(out, 2)
	case 'u':
		return s.hexEscape(out, 4)
	case 'U':
		return s.hexEscape(out, 8)
	case '\n':
		// Only valid in multi-line strings; the caller never sees the
		// newline, but it has been passed, which is what line counting by
		// offset needs.
		return out
	}
	return append(out, '\\', c)
}

func (s *scanner) hexEscape(out []byte, n int) []byte {
	if len(s.src)-s.pos < n {
		return out
	}
	v, err := strconv.ParseUint(string(s.src[s.pos:s.pos+n]), 16, 32)
	if err != nil {
		return out
	}
	s.pos += n
	if v > utf8.MaxRune {
		return out
	}
	return utf8.AppendRune(out, rune(v))
}

func (s *scanner) literalString() string {
	s.pos++ // '
	start := s.pos
	for s.pos < len(s.src) {
		switch s.src[s.pos] {
		case '\'':
			text := string(s.src[start:s.pos])
			s.pos++
			return text
		case '\n':
			return string(s.src[start:s.pos])
		}
		s.pos++
	}
	return string(s.src[start:])
}

// multiline skips a multi-line string (three double quotes, or three
// single quotes for a literal one). Up to two quote characters right before
// the closing three belong to the text.
func (s *scanner) multiline(q byte) {
	s.pos += 3
	close3 := string([]byte{q, q, q})
	for s.pos < len(s.src) {
		if q == '"' && s.src[s.pos] == '\\' {
			s.pos += 2 // whatever is escaped (a quote, a newline) is text
			continue
		}
		if s.hasPrefix(close3) {
			s.pos += 3
			for extra := 0; extra < 2 && s.peek() == q; extra++ {
				s.pos++
			}
			return
		}
		s.pos++
	}
	if s.pos > len(s.src) {
		s.pos = len(s.src)
	}
}
