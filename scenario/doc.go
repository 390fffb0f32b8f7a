// Package scenario holds the values of one simulated run: topics,
// producers, groups with every consumer setting, the broker's settings and
// the scheduled events, with Kafka's defaults in one place (Default,
// DefaultGroup, DefaultProducer, DefaultAutoscaler).
//
// It is a leaf: it imports nothing of this module. The experiment loader
// builds these values from TOML; the simulation only reads them. Nothing
// here parses files, knows about variants or sweeps, or simulates.
package scenario
