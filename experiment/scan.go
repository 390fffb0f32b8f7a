package experiment

import (
	"fmt"
	"sort"
	"strconv"
	"unicode/utf8"
)

// lineIndex maps key paths to the line that defines them.
//
// BurntSushi/toml gives no positions for keys, and its key metadata is shared
// by every element of an array of tables, so the line of events[3].count
// cannot be had from it. The scanner below reads the raw text once more and
// records where each key, table header and array element starts.
//
// The paths form a tree (a trie of key segments): each node is one path, and
// a child is found from its parent and one segment. Storing a path as its
// full text instead made the work grow with the square of the nesting (a
// 16 KB file of nested arrays took a gigabyte), since every element of a
// deep array repeated its whole prefix. With the tree, indexing costs time
// and memory in proportion to the input, whatever its shape.
type lineIndex struct {
	nodes []pathNode // nodes[0] is the root (the empty path)
	kids  map[edge]int
	// deep is set when the text nests deeper than maxNesting: Parse refuses
	// the file before the TOML library sees it.
	deep *Error
}

// pathNode is one key path seen in the file.
type pathNode struct {
	line     int  // 1-based line of its definition; 0: none recorded
	rank     int  // position of its first appearance in the file
	implicit bool // defined only as a prefix of a longer key so far
	depth    int  // segments from the root
	tables   int  // elements so far when it is an array of tables
	parent   int
	seg      seg // the last segment of its path
}

// edge names a child: a key (index -1) or an array index under parent.
type edge struct {
	parent int
	index  int
	key    string
}

// maxNesting bounds how deep keys and values may nest. The format's deepest
// meaningful path has about six segments (a sweep written as nested inline
// tables, groups = { g = { autoscaler = { max_consumers = [...] } } }); the
// TOML library spends time and memory growing with the square of the depth
// of dotted keys, table headers and inline tables (measured: 8 KB of dotted
// key took 640 MB), so a deeper file is refused before it is decoded.
const maxNesting = 32

func newLineIndex() *lineIndex {
	return &lineIndex{nodes: []pathNode{{rank: -1}}, kids: map[edge]int{}}
}

// find returns the node of p, or the deepest ancestor the file has, and
// whether p itself was found.
func (ix *lineIndex) find(p keyPath) (n int, lined int, exact bool) {
	for _, sg := range p {
		k, ok := ix.kids[edge{parent: n, index: sg.index, key: sg.key}]
		if !ok {
			return n, lined, false
		}
		n = k
		if ix.nodes[n].line > 0 {
			lined = n
		}
	}
	return n, lined, true
}

// line is the line of p, or of its nearest ancestor that has one, or 0.
func (ix *lineIndex) line(p keyPath) int {
	if ix == nil {
		return 0
	}
	_, lined, _ := ix.find(p)
	return ix.nodes[lined].line
}

// rank is the position of p's first appearance in the file (for file
// order where the decoded map has lost it), or -1 when p was not seen.
func (ix *lineIndex) rank(p keyPath) int {
	if ix == nil {
		return -1
	}
	n, _, exact := ix.find(p)
	if !exact || n == 0 {
		return -1
	}
	return ix.nodes[n].rank
}

// scanLines indexes src. It is written for text that BurntSushi/toml has
// accepted, but it must also survive anything else (it is fuzzed): every
// loop advances, and no index goes past the end.
func scanLines(src []byte) *lineIndex {
	s := &scanner{src: src, ix: newLineIndex()}
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
	newlines []int // offsets of '\n', to turn an offset into a line
	ix       *lineIndex
	rank     int
	nest     int // brackets and braces open in the value being read
}

// child returns the node of parent's child along (index, key), creating it.
func (s *scanner) child(parent, index int, key string) int {
	e := edge{parent: parent, index: index, key: key}
	if n, ok := s.ix.kids[e]; ok {
		return n
	}
	depth := s.ix.nodes[parent].depth + 1
	if depth > maxNesting {
		// The file will be refused: index nothing deeper, so that its
		// cost stays flat however deep it goes.
		s.tooDeep(parent, depth)
		return parent
	}
	n := len(s.ix.nodes)
	s.ix.nodes = append(s.ix.nodes, pathNode{rank: -1, depth: depth, parent: parent, seg: seg{key: key, index: index}})
	s.ix.kids[e] = n
	return n
}

func (s *scanner) key(parent int, k string) int { return s.child(parent, -1, k) }
func (s *scanner) at(parent, i int) int         { return s.child(parent, i, "") }

// tooDeep notes the first place the file nests beyond maxNesting.
func (s *scanner) tooDeep(n, depth int) {
	if depth <= maxNesting || s.ix.deep != nil {
		return
	}
	s.ix.deep = &Error{Line: s.lineAt(s.pos), Key: s.ix.pathOf(n, 3),
		Msg: fmt.Sprintf("nests deeper than %d levels (keys, tables and values inside each other); "+
			"an experiment needs at most 6, and reading deeper text would cost time and memory growing with the square of its depth", maxNesting)}
}

// pathOf writes the first keep segments of node n's path, for a message.
func (ix *lineIndex) pathOf(n, keep int) string {
	var segs []seg
	for ; n != 0; n = ix.nodes[n].parent {
		segs = append(segs, ix.nodes[n].seg)
	}
	var p keyPath
	for i := len(segs) - 1; i >= 0 && len(p) < keep; i-- {
		p = append(p, segs[i])
	}
	return p.String() + "..."
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

// record notes the line of node n unless it already has one. An explicit
// definition (a header, or the full key of a key/value) replaces a line
// recorded only because n was the prefix of a dotted key or header.
func (s *scanner) record(n, off int, implicit bool) {
	nd := &s.ix.nodes[n]
	if nd.line > 0 && !(nd.implicit && !implicit) {
		return
	}
	if nd.rank < 0 {
		nd.rank = s.rank
		s.rank++
	}
	nd.line = s.lineAt(off)
	nd.implicit = implicit
}

func (s *scanner) run() {
	table := 0 // the root
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
func (s *scanner) header() int {
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
	n := 0
	for i, k := range keys {
		n = s.key(n, k)
		last := i == len(keys)-1
		if array && last {
			s.record(n, off, false)
			elems := s.ix.nodes[n].tables
			s.ix.nodes[n].tables = elems + 1
			n = s.at(n, elems)
			s.record(n, off, false)
			break
		}
		s.record(n, off, !last)
		if elems := s.ix.nodes[n].tables; elems > 0 {
			n = s.at(n, elems-1)
		}
	}
	return n
}

// keyValue reads `key = value` inside table.
func (s *scanner) keyValue(table int) {
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
	n := table
	for i, k := range keys {
		n = s.key(n, k)
		s.record(n, off, i < len(keys)-1)
	}
	s.value(n)
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
// under node n.
func (s *scanner) value(n int) {
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
		s.array(n)
	case s.peek() == '{':
		s.inlineTable(n)
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

// open enters a bracket or a brace. Values nest by recursion here, so the
// depth is bounded (beyond maxNesting nothing more is indexed) to keep the
// stack small on hostile text: the file is refused anyway.
func (s *scanner) open(n int) bool {
	s.nest++
	s.tooDeep(n, s.nest)
	return s.nest <= maxNesting
}

func (s *scanner) array(n int) {
	s.pos++ // [
	defer func() { s.nest-- }()
	if !s.open(n) {
		s.skipNested()
		return
	}
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
		e := s.at(n, i)
		s.record(e, start, false)
		s.value(e)
		i++
		if s.pos == start {
			s.pos++
		}
	}
}

func (s *scanner) inlineTable(n int) {
	s.pos++ // {
	defer func() { s.nest-- }()
	if !s.open(n) {
		s.skipNested()
		return
	}
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
		q := n
		for i, k := range keys {
			q = s.key(q, k)
			s.record(q, start, i < len(keys)-1)
		}
		s.value(q)
		if s.pos == start {
			s.pos++
		}
	}
}

// skipNested skips the rest of a too-deep value without recursion: brackets
// and braces are counted (strings are skipped whole so that a bracket in
// one does not count), up to the one that closes it.
func (s *scanner) skipNested() {
	depth := 1
	for s.pos < len(s.src) && depth > 0 {
		switch {
		case s.hasPrefix(`"""`):
			s.multiline('"')
			continue
		case s.hasPrefix(`'''`):
			s.multiline('\'')
			continue
		}
		switch s.src[s.pos] {
		case '"':
			s.basicString()
			continue
		case '\'':
			s.literalString()
			continue
		case '#':
			s.skipSpace(false)
			continue
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		}
		s.pos++
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
