// Package experiment loads, validates and expands experiment files: the
// TOML format the README describes ("Experiment files").
//
// It owns:
//   - the format: every key, its type, bounds and default (keys.go is the one
//     place defaults live; Sections() lists every table and key for
//     `simulate list`), the older names still read ([slo]'s 0.1.0 names),
//     and the other spellings of values (Kafka's Java assignor classes,
//     assignornames.go);
//   - the checks, each reported as FILE:LINE: KEY: message naming what is
//     allowed, collected so that one pass shows every problem (ErrorList);
//   - line numbers: BurntSushi/toml decodes the values but gives no key
//     positions, so scan.go re-reads the raw text and maps every key path,
//     array elements included (events[3].count), to its line;
//   - the limits that follow from the model (limits.go: the clock, record
//     counts, names that become file names, loops that would stand still),
//     and the estimate of what runs cost in memory, output and model steps,
//     judged against a Budget when a command asks (cost.go);
//   - expansion: variants x sweep points x seeds, each a Run with a fully
//     resolved, validated Scenario, in the fixed order every output uses.
//     A variant or sweep value is written into a copy of the decoded tree
//     and the whole scenario is read again, so an override is checked
//     exactly as if it were in the base file, and a rule it breaks points at
//     the override's line.
//
// It must never:
//   - simulate, or decide anything about Kafka's behaviour beyond what a
//     user may write (the sim package does that from the Scenario);
//   - let Go map iteration order reach a run, an order or a message (keys
//     are sorted; file order comes from the scanner);
//   - panic on any input (FuzzParse checks this), or print anything: it
//     returns errors and the CLI reports them (exit code 2).
//
// Loaded Experiments are read-only: runs that differ only in seed share
// one *Scenario.
package experiment
