package experiment

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// tricky exercises what a line scanner gets wrong: strings holding quotes,
// brackets, '#' and '=', multi-line values of every kind, dotted and quoted
// keys, arrays of tables nested in arrays of tables, TOML 1.1 multi-line
// inline tables.
const tricky = `# comment [not.a.table]
a = "x # not a comment" # comment
"b.c" = 'lit\' # not escaped
d . e . "f.g" = 1
h = """
[fake.header]
k = 1 \"""
still "" inside \""" x"""""
i = '''
'' ''' 
j = [
  1, # one
  [2, "]"],
  { k = 3 },
]
l = { m = 1, n.o = "}", p = { q = [1,
  2] } }
"\u0072s" = 4
dt = 1979-05-27 07:32:00Z

[t]
x = 1
[[arr]]
y = 1
[[arr.sub]]
z = 1
[[arr.sub]]
z = 2
[[arr]]
y = 2
[[arr.sub]]
z = 3
[arr.tab]
w = 1
[ "quoted table" . 'lit' ]
v = 1
[[events]]
at = "1s"
[[events]]
at = "2s"
count = 3
[multi]
it = {
  a = 1, # TOML 1.1
  b = 2,
}
after = true
`

// canonLines lists every indexed path in canonical form with its line (for
// tests: it builds every path's text, which the index itself avoids).
func canonLines(ix *lineIndex) map[string]int {
	out := map[string]int{}
	paths := make([]keyPath, len(ix.nodes))
	for n := 1; n < len(ix.nodes); n++ {
		nd := ix.nodes[n]
		// NB: a parent is always created before its children.
		paths[n] = append(append(keyPath(nil), paths[nd.parent]...), nd.seg)
		if nd.line > 0 {
			out[paths[n].canon()] = nd.line
		}
	}
	return out
}

func TestScanTricky(t *testing.T) {
	var m map[string]any
	if _, err := toml.Decode(tricky, &m); err != nil {
		t.Fatalf("the fixture must be valid TOML: %v", err)
	}
	ix := scanLines([]byte(tricky))
	lines := canonLines(ix)
	want := map[string]int{
		`a`:                    2,
		`"b.c"`:                3,
		`d`:                    4,
		`d.e`:                  4,
		`d.e."f.g"`:            4,
		`h`:                    5,
		`i`:                    9,
		`j`:                    11,
		`j[0]`:                 12,
		`j[1]`:                 13,
		`j[1][1]`:              13,
		`j[2]`:                 14,
		`j[2].k`:               14,
		`l`:                    16,
		`l.n.o`:                16,
		`l.p.q[1]`:             17,
		`rs`:                   18,
		`dt`:                   19,
		`t`:                    21,
		`t.x`:                  22,
		`arr`:                  23,
		`arr[0]`:               23,
		`arr[0].y`:             24,
		`arr[0].sub[0]`:        25,
		`arr[0].sub[0].z`:      26,
		`arr[0].sub[1].z`:      28,
		`arr[1]`:               29,
		`arr[1].y`:             30,
		`arr[1].sub[0].z`:      32,
		`arr[1].tab.w`:         34,
		`"quoted table".lit`:   35,
		`"quoted table".lit.v`: 36,
		`events[0].at`:         38,
		`events[1]`:            39,
		`events[1].at`:         40,
		`events[1].count`:      41,
		`multi.it.a`:           44,
		`multi.it.b`:           45,
		`multi.after`:          47,
	}
	for path, line := range want {
		if got := lines[path]; got != line {
			t.Errorf("line of %s = %d, want %d", path, got, line)
		}
	}
	for _, fake := range []string{"fake", "fake.header", "not", "k"} {
		if _, ok := lines[fake]; ok {
			t.Errorf("%s is inside a string or comment but was indexed", fake)
		}
	}
	checkEveryKeyIndexed(t, "tricky", m, ix)
}

// checkEveryKeyIndexed walks the decoded tree: every key and array element
// BurntSushi saw must have a line.
func checkEveryKeyIndexed(t *testing.T, name string, m map[string]any, ix *lineIndex) {
	t.Helper()
	lines := canonLines(ix)
	var walk func(p keyPath, v any)
	walk = func(p keyPath, v any) {
		if len(p) > 0 {
			if _, ok := lines[p.canon()]; !ok {
				t.Errorf("%s: %s has no line", name, p.canon())
			}
		}
		switch x := v.(type) {
		case map[string]any:
			for _, k := range sortedKeys(x) {
				walk(p.key(k), x[k])
			}
		case []map[string]any:
			for i, e := range x {
				walk(p.at(i), e)
			}
		case []any:
			for i, e := range x {
				walk(p.at(i), e)
			}
		}
	}
	walk(nil, m)
}

func TestScanLineOfFallsBackToTable(t *testing.T) {
	ix := scanLines([]byte("x = 1\n\n[groups.p]\nconsumers = 1\n[[events]]\nat = \"1s\"\n"))
	cases := []struct {
		p    keyPath
		want int
	}{
		{keyPath{}.keys("groups", "p", "session.timeout.ms"), 3},
		{keyPath{}.keys("groups", "p", "consumers"), 4},
		{keyPath{}.key("events").at(0).key("count"), 5},
		{keyPath{}.key("nothing"), 0},
	}
	for _, c := range cases {
		if got := ix.line(c.p); got != c.want {
			t.Errorf("line(%s) = %d, want %d", c.p.canon(), got, c.want)
		}
	}
}

func TestScanCRLFAndBOM(t *testing.T) {
	src := "\ufeffname = \"x\"\r\n[t]\r\nk = 'v'\r\n"
	lines := canonLines(scanLines([]byte(src)))
	if lines["name"] != 1 || lines["t.k"] != 3 {
		t.Errorf("lines = %v", lines)
	}
}

func TestScanOrder(t *testing.T) {
	ix := scanLines([]byte("[sweep]\nz = [1]\n\"a.b\" = [2]\nm = [3]\n"))
	z, ab, m := ix.rank(keyPath{}.keys("sweep", "z")), ix.rank(keyPath{}.keys("sweep", "a.b")), ix.rank(keyPath{}.keys("sweep", "m"))
	if !(z < ab && ab < m) {
		t.Errorf("ranks z=%d a.b=%d m=%d, want file order", z, ab, m)
	}
}

// TestScanTestdata checks the scanner on every valid file we ship or test.
func TestScanTestdata(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.toml")
	more, _ := filepath.Glob("../experiments/*.toml")
	for _, f := range append(files, more...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if _, err := toml.Decode(string(data), &m); err != nil {
			continue // a syntax-error fixture
		}
		ix := scanLines(data)
		checkEveryKeyIndexed(t, f, m, ix)
		// Where a key starts a line, that line must mention it.
		lines := strings.Split(string(data), "\n")
		for path, line := range canonLines(ix) {
			if line < 1 || line > len(lines) {
				t.Errorf("%s: %s at line %d, outside the file", f, path, line)
			}
		}
	}
}

// TestScanEncodedTrees round-trips random trees through BurntSushi's
// encoder: every key it writes must be indexed, at a line that mentions it.
func TestScanEncodedTrees(t *testing.T) {
	keys := []string{"a", "b-c", "d.e", "f g", "h'i", "[j]", "k#"}
	rng := rand.New(rand.NewPCG(1, 2))
	var gen func(depth int) map[string]any
	value := func(depth int) any {
		switch rng.IntN(7) {
		case 0:
			return rng.Int64N(100)
		case 1:
			return "s # [x] = \"y\"\n'z'"
		case 2:
			return []any{int64(1), "]", []any{2.5}}
		case 3:
			if depth < 3 {
				return gen(depth + 1)
			}
		case 4:
			if depth < 3 {
				return []map[string]any{gen(depth + 1), gen(depth + 1)}
			}
		case 5:
			return true
		}
		return 1.5
	}
	gen = func(depth int) map[string]any {
		m := map[string]any{}
		for n := rng.IntN(4) + 1; n > 0; n-- {
			m[keys[rng.IntN(len(keys))]] = value(depth)
		}
		return m
	}
	for i := 0; i < 300; i++ {
		var buf strings.Builder
		if err := toml.NewEncoder(&buf).Encode(gen(0)); err != nil {
			t.Fatal(err)
		}
		src := buf.String()
		var m map[string]any
		if _, err := toml.Decode(src, &m); err != nil {
			t.Fatalf("encoder output does not decode: %v\n%s", err, src)
		}
		ix := scanLines([]byte(src))
		checkEveryKeyIndexed(t, "encoded", m, ix)
		lines := strings.Split(src, "\n")
		for path, line := range canonLines(ix) {
			p := strings.TrimRight(path, "]0123456789[")
			if strings.HasSuffix(path, "]") && p != path {
				continue // an array element: its line holds a value, not a key
			}
			last := lastKey(path)
			if line < 1 || line > len(lines) || !strings.Contains(lines[line-1], last) {
				t.Errorf("%s at line %d (%q)\n%s", path, line, lines[max(line-1, 0)], src)
			}
		}
		if t.Failed() {
			return
		}
	}
}

// lastKey returns the last key of a canonical path, unquoted.
func lastKey(canon string) string {
	if strings.HasSuffix(canon, `"`) {
		i := strings.LastIndex(canon[:len(canon)-1], `"`)
		for i > 0 && canon[i-1] == '\\' {
			i = strings.LastIndex(canon[:i-1], `"`)
		}
		if k, err := strconv.Unquote(canon[i:]); err == nil {
			return k
		}
	}
	return canon[strings.LastIndexAny(canon, ".]")+1:]
}
