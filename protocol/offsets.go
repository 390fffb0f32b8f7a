package protocol

import "fmt"

// Offsets is a group's committed offsets, as the coordinator stores them
// in __consumer_offsets. Each coordinator owns one.
type Offsets struct {
	top *Topology
	off []int64
	has []bool
}

// NewOffsets returns the store of a group whose partitions have a
// committed offset at the log start (0) where committed says so.
func NewOffsets(top *Topology, committed func(TP) bool) Offsets {
	o := Offsets{top: top, off: make([]int64, top.Total), has: make([]bool, top.Total)}
	for t := range top.Names {
		n := top.Counts[t][len(top.Counts[t])-1].N
		for p := int32(0); p < n; p++ {
			tp := TP{Topic: int32(t), Part: p}
			o.has[top.Index(tp)] = committed(tp)
		}
	}
	return o
}

// Get is tp's committed offset, and whether there is one.
func (o *Offsets) Get(tp TP) (int64, bool) {
	i := o.top.Index(tp)
	return o.off[i], o.has[i]
}

// Put stores the offsets of a commit. A committed offset never goes back
// in this model (generation and epoch checks fence every late commit), so
// one that would is a broken invariant.
func (o *Offsets) Put(offs []Offset) {
	for _, x := range offs {
		i := o.top.Index(x.TP)
		if o.has[i] && x.Off < o.off[i] {
			panic(fmt.Sprintf("protocol: committed offset of %s goes back from %d to %d", o.top.TPString(x.TP), o.off[i], x.Off))
		}
		o.off[i], o.has[i] = x.Off, true
	}
}

// Fill answers an OffsetFetch: the committed offset of each of parts, -1
// where there is none.
func (o *Offsets) Fill(parts []TP) []Offset {
	out := make([]Offset, len(parts))
	for i, tp := range parts {
		off, ok := o.Get(tp)
		if !ok {
			off = -1
		}
		out[i] = Offset{TP: tp, Off: off}
	}
	return out
}
