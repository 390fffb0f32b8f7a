// Package campaign is the randomized simulation campaign (docs/model.md
// §7): a generator of random valid experiments over every feature
// (Generate), and the check each one must pass (Check): the model's
// invariants after every event, outputs consistent with each other, and
// the same results with two workers as with one.
//
// `make test` runs a fixed set of seeds (TestCampaignFixed); `make soak
// SECONDS=N` runs fresh seeds for N seconds (TestCampaignSoak) and prints,
// for any failure, the seed, the file and the one command that reproduces
// it. A failure the soak finds becomes a seed of the fixed set (regressions
// below).
package campaign
