package experiment

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// hostileShapes are texts of about n bytes whose cost used to grow with the
// square of their size somewhere (the scanner's paths, the TOML library's
// key contexts), plus wide ones for comparison.
func hostileShapes(n int) map[string]string {
	deep := n / 4
	return map[string]string{
		"nested-arrays":  "a = " + strings.Repeat("[", n/2) + strings.Repeat("]", n/2) + "\n",
		"nested-tables":  "a = " + strings.Repeat("{b=", n/4) + "1" + strings.Repeat("}", n/4) + "\n",
		"dotted-key":     strings.Repeat("a.", n/2) + "b = 1\n",
		"deep-header":    "[" + strings.Repeat("a.", n/2) + "b]\nc = 1\n",
		"long-key-array": `"` + strings.Repeat("k", n/2) + `" = [` + strings.Repeat("1,", n/4) + "]\n",
		"wide-array":     "seeds = [" + strings.Repeat("1, ", n/3) + "]\n",
		"many-keys":      manyKeys(n),
		"deep-at-limit": strings.Repeat("[[e]]\n", deep/6) + "x = " + strings.Repeat("[", maxNesting-1) +
			strings.Repeat("]", maxNesting-1) + "\n",
	}
}

func manyKeys(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "k%d = %d\n", i, i)
	}
	return b.String()
}

// allocated is the bytes f allocates (TotalAlloc does not depend on when
// the collector runs, so this is deterministic for a deterministic f).
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// The scanner's memory and allocations are linear in its input, whatever
// the shape: four times the text may cost at most about four times the
// bytes and allocations, and never more than a fixed amount per byte. (A
// 16 KB nested array took a gigabyte before the index became a tree.)
func TestScanIsLinear(t *testing.T) {
	const n = 16 << 10
	small, large := hostileShapes(n), hostileShapes(4*n)
	for _, name := range sortedKeys(small) {
		s, l := []byte(small[name]), []byte(large[name])
		bs := allocated(func() { scanLines(s) })
		bl := allocated(func() { scanLines(l) })
		as := testing.AllocsPerRun(2, func() { scanLines(s) })
		al := testing.AllocsPerRun(2, func() { scanLines(l) })
		perByte := float64(bl) / float64(len(l))
		t.Logf("%-15s %6d B: %8d B %6.0f allocs; %7d B: %9d B %7.0f allocs (%.0f B per input byte)",
			name, len(s), bs, as, len(l), bl, al, perByte)
		if ratio := float64(bl) / float64(bs); ratio > 4*1.6 {
			t.Errorf("%s: 4x the input allocates %.1fx the bytes", name, ratio)
		}
		if ratio := al / as; ratio > 4*1.6 {
			t.Errorf("%s: 4x the input makes %.1fx the allocations", name, ratio)
		}
		if perByte > 400 {
			t.Errorf("%s: %.0f bytes allocated per input byte", name, perByte)
		}
	}
}

// Too deep a file is refused before the TOML library reads it, with the
// line and the start of the path, in little time and memory.
func TestParseRefusesDeepNesting(t *testing.T) {
	for name, src := range hostileShapes(64 << 10) {
		if name == "wide-array" || name == "many-keys" || name == "long-key-array" || name == "deep-at-limit" {
			continue
		}
		var err error
		b := allocated(func() { _, err = Parse("deep.toml", []byte(src)) })
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Msg, "nests deeper than 32 levels") || e.Line < 1 || e.Key == "" {
			t.Errorf("%s: %v", name, err)
		}
		if b > 64<<20 {
			t.Errorf("%s: refusing a %d-byte file allocated %d MB", name, len(src), b>>20)
		}
	}
	// At the limit, the file reaches the TOML library and the checks.
	src := "duration = \"1m\"\nx = " + strings.Repeat("[", maxNesting-1) + strings.Repeat("]", maxNesting-1) + "\n"
	_, err := Parse("ok.toml", []byte(src))
	if err == nil || strings.Contains(err.Error(), "nests deeper") {
		t.Errorf("a file nested %d deep should reach the key checks: %v", maxNesting-1, err)
	}
}

func TestParseRefusesHugeFile(t *testing.T) {
	src := make([]byte, MaxFileSize+1)
	for i := range src {
		src[i] = '\n'
	}
	_, err := Parse("big.toml", src)
	if err == nil || !strings.Contains(err.Error(), "larger than 8 MB") {
		t.Errorf("got %v", err)
	}
}

// BenchmarkScan measures the line scanner on hostile shapes and on the
// SPEC example; B/op is the figure that used to explode (1 GB for the 16 KB
// nested array).
func BenchmarkScan(b *testing.B) {
	shapes := hostileShapes(16 << 10)
	for _, name := range sortedKeys(shapes) {
		data := []byte(shapes[name])
		b.Run(name+"-16KB", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				scanLines(data)
			}
		})
	}
}
