// Package report writes what a run of an experiment leaves behind:
// summary.json, summary.csv, timeseries.csv, rebalances.csv (and charts and
// report.html), into results/<experiment>/. It writes into a temporary
// folder and renames it into place only when everything is written, so a
// failure never leaves a half-written results folder. The temporary folders
// name their owner process (tmp.go): a signal handler removes its own, a
// supervisor those of a crashed child, and a later run the stale ones of
// its experiment.
//
// It also judges runs against the experiment's [slo], answers the capacity
// plan (the smallest value of each swept parameter that meets it), and
// writes and merges shards (`run --shard i/n`, `merge`) so that merged
// shards are byte for byte the unsharded results.
//
// The output schema is schema.go: every figure named once, its JSON path and
// CSV column derived from that name, the columns that identify a run first
// in every CSV, all CSV written by encoding/csv (docs/metrics.md documents
// it; SchemaVersion says when it changes).
//
// Every number it writes comes from the model (sim); it computes none of its own
// beyond formatting, SLO verdicts and the plan. Output bytes depend only on the
// experiment, the seeds and the version: floats are formatted in their
// shortest exact form and nothing iterates a map into a file.
package report
