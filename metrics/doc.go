// Package metrics holds what a run measures: the result types every output
// is written from (Result, GroupResult, SeriesRow, RebalanceRow, timelines
// and heat maps), as docs/metrics.md defines
// them.
//
// It imports nothing of this module but engine's time: protocol machines
// never write into it, and the report never reaches behind it.
package metrics
