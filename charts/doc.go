// Package charts draws an experiment's charts and writes its report.html.
//
// It owns the pictures and the page: which charts exist, their file names,
// their colours, the CSV behind each one, and the HTML that shows them. Its
// input is the Experiment value in types.go, filled by report from what
// the model (sim) measured.
//
// It never computes a metric. Every number it draws or prints is one the
// model produced; the only arithmetic here is presentation: the mean, min
// and max over seeds of a number already measured, and downsampling a long
// timeseries to a chart's pixel width (Downsampler, HeatDownsampler).
//
// Determinism: the same Experiment gives the same bytes in every file (SVG,
// PNG, CSV and HTML). Series are sorted by name (numbers inside names
// compared as numbers, so seed=2 comes before seed=10) and take their
// colour and dash from that index in a fixed palette; the only font is
// Liberation Sans, compiled into the binary by gonum/plot, so text is
// measured the same way on every machine; nothing iterates a map into an
// output and nothing reads the clock.
//
// Files written by Render into its folder, every chart as <name>.svg,
// <name>.png and <name>.csv (the data the chart draws, one row per point):
//
//	per group G (names sanitized, see fileName):
//	  throughput-G      consumed records/s over time, one line per run
//	  lag-G             group lag over time, one line per run
//	  pause-G           partition pause by cause, one bar per configuration
//	  idle-G            mean idle members, one bar per configuration
//	  duplicates-G      duplicates, one bar per configuration
//	  p99-G             p99 latency, one bar per configuration
//	  crosszone-G       with a broker layout: bytes/s fetched across racks over time
//	  crosszone-cost-G  with a broker layout: cross-zone dollars per month, one bar per configuration
//	  sweep-M-G         with a sweep: metric M against the first swept value
//	per run R and group G:
//	  timeline-G-R      one row per member, rebalances marked
//	  heatmap-G-R       lag per partition over time
//	report.html         the page that shows all of it, self-contained
//
// A configuration is a run without its seed (variant and sweep values):
// bars show the mean over its seeds, whiskers the min and max. Sweep charts
// put the first swept value on x; with two or more axes each value of the
// other axes is a line of its own (per variant), never averaged away.
//
// Time charts draw at most MaxPoints points per line: report feeds each
// run's samples through a Downsampler (and the heat map through a
// HeatDownsampler) while the run is going, so memory stays bounded;
// Render downsamples again anything longer it is given.
//
// report.html inlines every chart's SVG and embeds the chart font once; it
// links the .svg/.png/.csv files beside it. WriteIndex writes the page
// that links every experiment's report.
package charts
