package charts

import (
	"bytes"
	"encoding/xml"
	"flag"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

var samples = map[string]func() *Experiment{
	"sample": sampleExperiment,
	"sweep":  sweepExperiment,
}

// renderRoot holds every render the tests make; TestMain removes it.
var renderRoot string

func TestMain(m *testing.M) {
	flag.Parse()
	var err error
	renderRoot, err = os.MkdirTemp("", "charts-test-")
	if err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(renderRoot)
	os.Exit(code)
}

type rendering struct {
	dir   string
	files []File
	err   error
}

var (
	renderMu sync.Mutex
	renders  = map[string]*rendering{}
)

// rendered renders sample name into its own folder (copy 0 or 1), once per
// test binary: drawing is the slow part, and several tests read the result.
func rendered(t *testing.T, name string, copy int) *rendering {
	t.Helper()
	key := name + "#" + string(rune('0'+copy))
	renderMu.Lock()
	defer renderMu.Unlock()
	if r, ok := renders[key]; ok {
		return r
	}
	dir := filepath.Join(renderRoot, name+"-"+string(rune('0'+copy)))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files, err := Render(samples[name](), dir)
	r := &rendering{dir: dir, files: files, err: err}
	renders[key] = r
	return r
}

// goldenCSV is every chart's CSV, in chart order, each under its file name.
func goldenCSV(x *Experiment) []byte {
	var b bytes.Buffer
	for _, f := range figures(x) {
		b.WriteString("== " + f.name + ".csv ==\n")
		b.Write(csvBytes(f.csv))
	}
	return b.Bytes()
}

func TestGoldenCSV(t *testing.T) {
	for _, name := range []string{"sample", "sweep"} {
		t.Run(name, func(t *testing.T) {
			got := goldenCSV(samples[name]())
			path := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./charts -run TestGoldenCSV -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the CSVs the charts draw:\n%s\n(run with -update if the change is intended)",
					path, firstDiff(string(want), string(got)))
			}
		})
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + itoa(i+1) + ":\n want " + a + "\n  got " + b
		}
	}
	return "(equal)"
}

func itoa(i int) string { return fi(int64(i)) }

// The CSV written next to each chart is the one golden-tested above.
func TestRenderWritesEveryFile(t *testing.T) {
	for _, name := range []string{"sample", "sweep"} {
		t.Run(name, func(t *testing.T) {
			r := rendered(t, name, 0)
			if r.err != nil {
				t.Fatal(r.err)
			}
			figs := figures(samples[name]())
			if want := 3*len(figs) + 1; len(r.files) != want {
				t.Fatalf("Render returned %d files, want %d (3 per chart + report.html)", len(r.files), want)
			}
			for _, f := range r.files {
				b, err := os.ReadFile(filepath.Join(r.dir, f.Name))
				if err != nil {
					t.Fatal(err)
				}
				if len(b) == 0 {
					t.Errorf("%s is empty", f.Name)
				}
				switch filepath.Ext(f.Name) {
				case ".png":
					img, err := png.Decode(bytes.NewReader(b))
					if err != nil {
						t.Errorf("%s: %v", f.Name, err)
					} else if img.Bounds().Dx() < 500 {
						t.Errorf("%s is only %d px wide", f.Name, img.Bounds().Dx())
					}
				case ".svg":
					if err := wellFormed(b); err != nil {
						t.Errorf("%s is not well-formed XML: %v", f.Name, err)
					}
					if bytes.Contains(b, []byte("font-family:Liberation Sans;")) {
						t.Errorf("%s names its font without a fallback", f.Name)
					}
					if bytes.Contains(b, []byte("data:image/jpg")) {
						t.Errorf("%s labels a PNG as JPEG", f.Name)
					}
				}
			}
			for _, f := range figs {
				b, err := os.ReadFile(filepath.Join(r.dir, f.name+".csv"))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(b, csvBytes(f.csv)) {
					t.Errorf("%s.csv is not the CSV the chart was drawn from", f.name)
				}
			}
		})
	}
}

func wellFormed(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := d.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

func TestChartNames(t *testing.T) {
	var got []string
	for _, f := range figures(sampleExperiment()) {
		got = append(got, f.name)
	}
	want := []string{
		"throughput-processors", "lag-processors", "pause-processors", "idle-processors",
		"duplicates-processors", "p99-processors",
		// Per run, runs sorted by name: cooperative-sticky before eager-range.
		"timeline-processors-cooperative-sticky-seed-1", "heatmap-processors-cooperative-sticky-seed-1",
		"timeline-processors-cooperative-sticky-seed-2", "heatmap-processors-cooperative-sticky-seed-2",
		"timeline-processors-eager-range-seed-1", "heatmap-processors-eager-range-seed-1",
		"timeline-processors-eager-range-seed-2", "heatmap-processors-eager-range-seed-2",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("chart names:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var sweep []string
	for _, f := range figures(sweepExperiment()) {
		if strings.HasPrefix(f.name, "sweep-") {
			sweep = append(sweep, f.name)
		}
	}
	if want := "sweep-throughput-processors sweep-lag-max-processors sweep-idle-processors " +
		"sweep-pause-processors sweep-p99-processors"; strings.Join(sweep, " ") != want {
		t.Errorf("sweep charts %v, want %s", sweep, want)
	}
}

// Same experiment, same bytes: every file of two renders into two folders
// is identical (drawing runs in parallel, so this also checks order does
// not leak into output).
func TestRenderIsByteStable(t *testing.T) {
	for _, name := range []string{"sample", "sweep"} {
		t.Run(name, func(t *testing.T) {
			a, b := rendered(t, name, 0), rendered(t, name, 1)
			if a.err != nil || b.err != nil {
				t.Fatal(a.err, b.err)
			}
			if len(a.files) != len(b.files) {
				t.Fatalf("%d files, then %d", len(a.files), len(b.files))
			}
			for i, f := range a.files {
				if b.files[i] != f {
					t.Fatalf("file %d: %v, then %v", i, f, b.files[i])
				}
				x, err1 := os.ReadFile(filepath.Join(a.dir, f.Name))
				y, err2 := os.ReadFile(filepath.Join(b.dir, f.Name))
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if !bytes.Equal(x, y) {
					t.Errorf("%s differs between two renders", f.Name)
				}
			}
		})
	}
}

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"eager-range/consumers=4/seed=1": "eager-range-consumers-4-seed-1",
		"a b//c":                         "a-b-c",
		"/x=":                            "x",
		"rate=0.5":                       "rate-0.5",
		"..hidden":                       "hidden",
		"naïve":                          "na-ve",
		"":                               "",
	} {
		if got := sanitize(in); got != want {
			t.Errorf("sanitize(%q) = %q, want %q", in, got, want)
		}
	}
	n := &namer{used: map[string]bool{}}
	if a, b, c := n.name("timeline", "a/b"), n.name("timeline", "a-b"), n.name(""); a != "timeline-a-b" || b != "timeline-a-b-2" || c != "chart" {
		t.Errorf("names %q %q %q: a clash must get a suffix", a, b, c)
	}
}

func TestNaturalCompare(t *testing.T) {
	ordered := []string{"", "a", "seed=1", "seed=2", "seed=010", "seed=10", "seed=10a", "seed=b"}
	for i := range ordered {
		for j := range ordered {
			got := naturalCompare(ordered[i], ordered[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got != want {
				t.Errorf("naturalCompare(%q, %q) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
}

func TestLabels(t *testing.T) {
	x := sweepExperiment()
	lab := newLabeler(x)
	r := &x.Runs[0]
	if got, want := lab.run(r), "eager-range consumers=2 seed=1"; got != want {
		t.Errorf("run label %q, want %q", got, want)
	}
	if got, want := lab.config(r), "eager-range consumers=2"; got != want {
		t.Errorf("config label %q, want %q", got, want)
	}
	one := &Experiment{Runs: []Run{{ID: "seed=1", Seed: 1}}}
	if got := newLabeler(one).run(&one.Runs[0]); got != "seed=1" {
		t.Errorf("a lone run is labelled %q, want its id", got)
	}
	if got := axisNames([]string{"groups.a.consumers", "groups.b.consumers", "seed"}); got[0] != "groups.a.consumers" || got[2] != "seed" {
		t.Errorf("axisNames kept ambiguous short names: %v", got)
	}
}

// Experiments with nothing to draw for some charts still render, leaving
// those charts out.
func TestRenderSparse(t *testing.T) {
	x := &Experiment{Name: "empty", Runs: []Run{{ID: "seed=1", Seed: 1, Groups: []Group{{Name: "g"}}}}}
	dir := t.TempDir()
	files, err := Render(x, dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	// Bars only: no samples, no timeline, no heat map.
	if len(files) != 4*3+1 {
		t.Errorf("files %v", names)
	}
	if _, err := Render(nil, dir); err == nil {
		t.Error("Render(nil) did not fail")
	}
}

// Odd values never crash a render: NaN metrics, a NaN sample, a state out
// of range, an open rebalance.
func TestRenderOddValues(t *testing.T) {
	nan := math.NaN()
	g := Group{
		Name:       "g",
		Summary:    Summary{ThroughputPerS: nan, LatencyP99Ms: math.Inf(1)},
		Samples:    []Sample{{T: 1, ConsumedPerS: nan}, {T: 2, ConsumedPerS: 5}},
		Members:    []MemberTimeline{{Label: "#0", Spans: []Span{{Start: 0, End: 2, State: State(9)}, {Start: 2, End: 1, State: Dead}}}},
		Rebalances: []Rebalance{{Generation: 1, Start: 1, End: -1}},
		Partitions: []string{"t-0"},
		Heatmap:    [][]int64{{0, 0}},
		HeatmapT:   []float64{1, 2},
	}
	x := &Experiment{Name: "odd", Runs: []Run{{ID: "a/b=c", Groups: []Group{g}}}}
	if _, err := Render(x, t.TempDir()); err != nil {
		t.Fatal(err)
	}
}
