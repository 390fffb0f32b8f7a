package charts

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readReport(t *testing.T, name string) ([]byte, *node) {
	t.Helper()
	r := rendered(t, name, 0)
	if r.err != nil {
		t.Fatal(r.err)
	}
	b, err := os.ReadFile(filepath.Join(r.dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := parseDOM(b)
	if err != nil {
		t.Fatalf("report.html does not parse: %v", err)
	}
	return b, doc
}

func TestReportShowsEveryChart(t *testing.T) {
	for _, name := range []string{"sample", "sweep"} {
		t.Run(name, func(t *testing.T) {
			_, doc := readReport(t, name)
			figs := figures(samples[name]())
			got := doc.query("figure.chart")
			if len(got) != len(figs) {
				t.Fatalf("%d charts on the page, want %d", len(got), len(figs))
			}
			for i, f := range got {
				if f.attr["id"] != figs[i].name {
					t.Errorf("chart %d is %q, want %q", i, f.attr["id"], figs[i].name)
				}
				if n := len(f.query("svg")); n != 1 {
					t.Errorf("chart %s has %d <svg>", figs[i].name, n)
				}
				caps := f.query("figcaption")
				if len(caps) != 1 || !strings.Contains(caps[0].innerText(), figs[i].caption) {
					t.Errorf("chart %s lacks its caption", figs[i].name)
				}
			}
		})
	}
}

func TestReportIsSelfContainedAndEscaped(t *testing.T) {
	b, doc := readReport(t, "sample")
	for _, bad := range []string{"<script", "<link", "src=\"http", "url(http", "<range>", "<b>"} {
		if bytes.Contains(b, []byte(bad)) {
			t.Errorf("report.html contains %q", bad)
		}
	}
	if !bytes.Contains(b, []byte("eager &lt;range&gt; vs cooperative &amp; sticky")) {
		t.Error("the description is not shown escaped")
	}
	pre := doc.query("pre")
	if len(pre) != 1 || !strings.Contains(pre[0].innerText(), `action = "crash" # <b>not bold</b>`) {
		t.Error("the configuration is not shown verbatim in a <pre>")
	}
	if !bytes.Contains(b, []byte("@font-face{font-family:'Liberation Sans'")) {
		t.Error("the chart font is not embedded")
	}
	rows := doc.query("section#summary")[0].query("tr")
	if len(rows) != 1+4 {
		t.Errorf("summary has %d rows, want a header and one per run and group", len(rows))
	}
	if strings.Contains(doc.query("section#summary")[0].innerText(), "SLO") {
		t.Error("an SLO column without an SLO")
	}
	if len(doc.query("section#plan")) != 0 {
		t.Error("a plan section without a plan")
	}
}

func TestReportPlanAndSLO(t *testing.T) {
	b, doc := readReport(t, "sweep")
	plan, summary := bytes.Index(b, []byte(`<section id="plan">`)), bytes.Index(b, []byte(`<section id="summary">`))
	if plan < 0 || summary < 0 || plan > summary {
		t.Fatalf("the capacity-planning answer must come first (plan at %d, summary at %d)", plan, summary)
	}
	planText := doc.query("section#plan")[0].innerText()
	if !strings.Contains(planText, "cooperative-sticky") || !strings.Contains(planText, "none of 2, 4, 6") {
		t.Errorf("plan table lost rows: %q", planText)
	}
	pass, fail := len(doc.query("td.pass")), len(doc.query("td.fail"))
	if pass != 4 || fail != 8 {
		t.Errorf("SLO verdicts: %d pass, %d fail; want 4 and 8", pass, fail)
	}
	if items := doc.query("section#slo")[0].query("li"); len(items) != 2 {
		t.Errorf("%d SLO lines, want 2", len(items))
	}
}

func TestWriteIndex(t *testing.T) {
	dir := t.TempDir()
	x := sweepExperiment()
	entries := []IndexEntry{
		EntryFor(x, ""),
		{Name: "b<script>", Description: "a & b", Report: "b/report.html"},
		{Name: "a-10"},
		{Name: "a-9"},
	}
	if err := WriteIndex(dir, entries); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := parseDOM(b)
	if err != nil {
		t.Fatal(err)
	}
	var hrefs []string
	for _, a := range doc.query("a") {
		hrefs = append(hrefs, a.attr["href"])
	}
	want := "a-9/report.html a-10/report.html b/report.html how-many-consumers/report.html"
	if strings.Join(hrefs, " ") != want {
		t.Errorf("links %v, want %s (sorted by name)", hrefs, want)
	}
	if bytes.Contains(b, []byte("<script>")) || !bytes.Contains(b, []byte("a &amp; b")) {
		t.Error("index is not escaped")
	}
	if !bytes.Contains(b, []byte("4/12 pass")) {
		t.Error("index lacks the SLO count")
	}
	// Entries in another order give the same bytes.
	entries[0], entries[3] = entries[3], entries[0]
	if err := WriteIndex(dir, entries); err != nil {
		t.Fatal(err)
	}
	if c, _ := os.ReadFile(filepath.Join(dir, "index.html")); !bytes.Equal(b, c) {
		t.Error("index.html depends on the order of the entries")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".index.html.tmp-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
