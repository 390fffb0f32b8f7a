package charts

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// chromiumPath is where Debian's chromium package puts the browser; CI
// installs it (apt-get install -y chromium).
const chromiumPath = "/usr/bin/chromium"

// chromium runs headless Chromium with args and returns its stdout. The
// flags keep it off the network and away from any profile, so it only
// ever reads the file it is given.
func chromium(t *testing.T, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir(),
	}
	cmd := exec.CommandContext(ctx, chromiumPath, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.Bytes())
	}
	return stdout.Bytes()
}

// TestReportInChromium opens report.html in a real browser: the DOM it
// builds must hold every chart as an inline <svg>, and a screenshot of the
// page must show drawn content, not a blank page.
func TestReportInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("REBALANCE_SIM_REQUIRE_BROWSER") != "" {
			// CI installs Chromium (.ci/run): there, a missing browser is a
			// failure, not a reason to skip the check.
			t.Fatalf("%s not found, and REBALANCE_SIM_REQUIRE_BROWSER is set", chromiumPath)
		}
		t.Skipf("%s not found: install Debian's chromium package (apt-get install -y chromium) to run this test", chromiumPath)
	}
	r := rendered(t, "sample", 0)
	if r.err != nil {
		t.Fatal(r.err)
	}
	page := "file://" + filepath.Join(r.dir, "report.html")
	nCharts := len(figures(sampleExperiment()))

	t.Run("dom", func(t *testing.T) {
		doc, err := parseDOM(chromium(t, "--dump-dom", page))
		if err != nil {
			t.Fatalf("Chromium's DOM does not parse: %v", err)
		}
		figs := doc.query("figure.chart")
		svgs := 0
		for _, f := range figs {
			svgs += len(f.query("svg")) + len(f.query("img"))
		}
		if len(figs) != nCharts || svgs != nCharts {
			t.Errorf("the browser sees %d chart figures holding %d images, want %d of each", len(figs), svgs, nCharts)
		}
		if len(doc.query("svg")) != nCharts {
			t.Errorf("%d <svg> in the page, want %d", len(doc.query("svg")), nCharts)
		}
		if len(doc.query("section#summary")) != 1 || len(doc.query("pre")) != 1 {
			t.Error("summary or configuration missing from the browser's DOM")
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		shot := filepath.Join(t.TempDir(), "report.png")
		chromium(t, "--screenshot="+shot, "--window-size=1280,2000", page)
		f, err := os.Open(shot)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatal(err)
		}
		colours, nonWhite, total := inkStats(img)
		t.Logf("screenshot %v: %d colours, %d of %d pixels not white", img.Bounds().Size(), colours, nonWhite, total)
		// The page opens with text and a table, then the first charts with
		// their coloured lines: a blank or failed render has one colour.
		if colours < 16 || nonWhite < total/100 {
			t.Errorf("screenshot looks blank: %d colours, %d of %d pixels not white", colours, nonWhite, total)
		}
		// The first chart's lines use the first palette colours; the page
		// is only right if some of them reached the screen.
		if !hasColourNear(img, seriesColors[0]) || !hasColourNear(img, seriesColors[1]) {
			t.Error("no series colour in the screenshot: the charts did not draw")
		}
	})
}

func inkStats(img image.Image) (colours, nonWhite, total int) {
	seen := map[color.RGBA]bool{} // NB: counted only
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			c := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 0xFF}
			seen[c] = true
			if c.R < 250 || c.G < 250 || c.B < 250 {
				nonWhite++
			}
			total++
		}
	}
	return len(seen), nonWhite, total
}

func hasColourNear(img image.Image, want color.NRGBA) bool {
	b := img.Bounds()
	near := func(a uint32, b uint8) bool {
		d := int(a>>8) - int(b)
		return d > -12 && d < 12
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, want.R) && near(g, want.G) && near(bl, want.B) {
				return true
			}
		}
	}
	return false
}
