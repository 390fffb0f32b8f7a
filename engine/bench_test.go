package engine

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkHold is the classic hold model: the queue holds 1,000 pending
// events; each step pops the earliest and schedules a successor a random
// increment later. Target: >= 10 million events per second (< 100 ns/op).
func BenchmarkHold(b *testing.B) {
	const pending = 1000
	q := NewQueue(pending + 1)
	r := rand.New(rand.NewPCG(1, 1))
	incs := make([]Time, 4096) // drawn up front so the loop measures the queue
	for i := range incs {
		incs[i] = Time(r.ExpFloat64() * 1e6)
	}
	for i := 0; i < pending; i++ {
		q.At(incs[i], 1, int32(i), 0)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ev, _ := q.Pop()
		ev.At += incs[i&4095]
		q.Push(ev)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds()/1e6, "Mevents/s")
}
