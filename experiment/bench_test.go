package experiment

import (
	"os"
	"testing"
)

// BenchmarkParse measures loading: the SPEC example (21 runs) and a 2 x
// 10,000-point sweep, the largest grid allowed, where every point's
// scenario is built and checked.
func BenchmarkParse(b *testing.B) {
	spec, err := os.ReadFile("testdata/spec-example.toml")
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct{ name, src string }{
		{"spec-example", string(spec)},
		{"grid-20000", g("[[variants]]\nname = \"a\"\n[[variants]]\nname = \"b\"\n[sweep]\n\"groups.g.consumers\" = {from = 0, to = 9999, step = 1}\n")},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			data := []byte(c.src)
			for b.Loop() {
				if _, err := Parse("x.toml", data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
