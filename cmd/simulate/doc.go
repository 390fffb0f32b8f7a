// Command simulate is rebalance-sim's command line: run, check, assign,
// describe, merge, list and version (SPEC "CLI"). It parses flags, prints,
// and maps failures to exit codes (0 success, 1 run-time failure, 2 bad
// usage or a bad input file); it holds no simulation logic.
package main
