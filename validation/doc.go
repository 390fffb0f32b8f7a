// Package validation compares the simulator with a real Kafka 4.4 broker
// and the Java consumer (`simulate validate`).
//
// It owns four things: the subset of the experiment format a real run can
// reproduce (Refuse) and the resolution of one scenario into the harness's
// input, run.json (Resolve: every event becomes per-consumer actions at
// fixed times); running the Java harness in validate/ (Harness); turning
// the logs a real run leaves (the consumers' callbacks and processed
// ranges, the harness's Admin samples, the group coordinator's log) into
// the same metrics.Result a simulated run produces (ReadLogs, Result); and
// comparing the two, metric by metric, against stated tolerances (Compare).
//
// It never simulates (the runner does) and never changes what a metric
// means: every number it reports for a real run is computed from what the
// real broker and clients did, as the simulator defines the metric.
package validation
