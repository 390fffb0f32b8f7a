// Package report writes what a run of an experiment leaves behind:
// summary.json, summary.csv, timeseries.csv, rebalances.csv (and charts and
// report.html), into results/<experiment>/. It writes into a temporary
// folder and renames it into place only when everything is written, so a
// failure never leaves a half-written results folder.
//
// Every number it writes comes from models; it computes none of its own
// beyond formatting and SLO verdicts. Output bytes depend only on the
// experiment, the seeds and the version: floats are formatted in their
// shortest exact form and nothing iterates a map into a file.
package report
