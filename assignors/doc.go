// Package assignors computes partition assignments exactly as Apache Kafka's
// assignors do: range and roundrobin (classic, client side), sticky and
// cooperative-sticky (classic, client side, KIP-54/KIP-429), and uniform and
// server-range (KIP-848, coordinator side). "Exactly" includes Kafka's
// tie-breaks, which in several places come from the iteration order of a Java
// HashMap; javaorder.go reproduces that order.
//
// The package owns the assignment contract (Group in, Plan out, both sorted,
// no maps crossing the boundary) and the protocol facts the coordinator needs
// (which rebalance protocols an assignor supports).
//
// It must never import anything else of this module, read the clock or use
// global random numbers: the same input always gives the same plan.
package assignors
