// Package placement puts a topic's partition replicas on brokers exactly as
// Kafka 4.4's KRaft controller does for a topic created (or partitions
// added) without an explicit assignment: the StripedReplicaPlacer of
// Kafka's metadata module (docs/model.md §8.1). The first replica of each
// partition is its preferred leader, which is the leader of a freshly
// created topic whose brokers are all up.
//
// Kafka draws the placer's starting offsets and shuffles from a
// java.util.Random; JavaRandom reproduces that generator bit for bit, so
// that, seeded alike, our placement is the one Kafka's own class computes
// (the oracle test in this package runs that class). Which seed Kafka's
// controller uses is not deterministic (it seeds from the clock); the
// simulation seeds one stream per topic from the run's seed.
//
// It imports assignors only for Java's hash and iteration orders, which
// the placer's HashMaps depend on. It must never read the clock or use
// global random numbers.
package placement
