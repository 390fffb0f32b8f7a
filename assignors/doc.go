// Package assignors computes partition assignments exactly as Apache Kafka's
// assignors do: range and roundrobin (classic, client side), sticky and
// cooperative-sticky (classic, client side, KIP-54/KIP-429), and uniform and
// server-range (KIP-848, coordinator side). "Exactly" includes Kafka's
// tie-breaks, which in several places come from the iteration order of a Java
// HashMap; javaorder.go reproduces that order. The reference is Kafka 4.4:
// oracle_test.go runs its own classes (the Java driver in ../oracle) on
// random groups and requires identical plans.
//
// Rack awareness (KIP-881) follows Kafka 4.4 too: with Member.Rack
// (client.rack) and Topic.Racks (the racks of each partition's replicas),
// range, sticky and cooperative-sticky prefer partitions with a replica on
// the member's rack (range_rack.go, sticky_rack.go); roundrobin and the
// server assignors ignore racks, as Kafka 4.4's do.
//
// The package owns the assignment contract (Group in, Plan out, both sorted,
// no maps crossing the boundary) and the protocol facts the coordinator needs
// (which rebalance protocols an assignor supports).
//
// It must never import anything else of this module, read the clock or use
// global random numbers: the same input always gives the same plan.
package assignors
