package assignors

import (
	"fmt"
	"testing"
)

// Benchmarks of the uniform assignor at large sizes
// Kafka's own uniform assignor (Java, 2 vCPU, single cold run): 0.31 s for
// 1,000,000 partitions over 2,000 members, 0.24 s after adding one member
// (500 partitions move); KIP-1263 quotes 15-20 ms for the heterogeneous
// 1,000 members / 1,000 topics / 50,000 partitions case.
//
//	go test -run '^$' -bench Uniform -benchmem ./assignors

func uniBenchAssign(b *testing.B, g *Group) Plan {
	a, err := New("uniform")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var p Plan
	for i := 0; i < b.N; i++ {
		if p, err = a.Assign(g); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	return p
}

// BenchmarkUniformHomogeneousFresh: 500 topics x 2,000 partitions, 2,000
// members subscribed to all of them, nothing owned.
func BenchmarkUniformHomogeneousFresh(b *testing.B) {
	g := uniBigGroup(uniRand(8), 500, 2000, 2000)
	uniBenchAssign(b, g)
}

// BenchmarkUniformHomogeneousAddOne: the same group after its first
// assignment, plus one new member; reports the partitions that move.
func BenchmarkUniformHomogeneousAddOne(b *testing.B) {
	r := uniRand(8)
	g := uniBigGroup(r, 500, 2000, 2000)
	first, err := uniAssign(g, uniOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for i := range g.Members {
		g.Members[i].Owned = first[i].Topics
	}
	g.Members = append(g.Members, Member{ID: uniRandomMemberID(r), Topics: g.Members[0].Topics})
	second := uniBenchAssign(b, g)
	b.ReportMetric(float64(uniMoved(first, second)), "moved")
}

// uniBucketedGroup is Kafka's jmh heterogeneous shape
// (AssignorBenchmarkUtils.createHeterogeneousBucketedMembers, 5 buckets):
// members and topics are split into buckets, and the members of a bucket
// subscribe to the topics of that bucket.
func uniBucketedGroup(members, topics, partitions, buckets int) *Group {
	r := uniRand(1263)
	g := &Group{}
	names := make([]string, topics)
	for i := range names {
		names[i] = fmt.Sprintf("topic-%04d", i)
		g.Topics = append(g.Topics, Topic{Name: names[i], Partitions: int32(partitions)})
	}
	topicsPerBucket := (topics + buckets - 1) / buckets
	membersPerBucket := (members + buckets - 1) / buckets
	for i := 0; i < members; i++ {
		bucket := i / membersPerBucket
		lo, hi := bucket*topicsPerBucket, min((bucket+1)*topicsPerBucket, topics)
		g.Members = append(g.Members, Member{ID: uniRandomMemberID(r), Topics: names[lo:hi]})
	}
	return g
}

// BenchmarkUniformHeterogeneousFresh: 1,000 members, 1,000 topics of 50
// partitions (50,000 partitions), 5 subscription buckets, nothing owned.
func BenchmarkUniformHeterogeneousFresh(b *testing.B) {
	g := uniBucketedGroup(1000, 1000, 50, 5)
	uniBenchAssign(b, g)
}

// BenchmarkUniformHeterogeneousAddOne: the same group after its first
// assignment, plus one member in the first bucket.
func BenchmarkUniformHeterogeneousAddOne(b *testing.B) {
	g := uniBucketedGroup(1000, 1000, 50, 5)
	first, err := uniAssign(g, uniOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for i := range g.Members {
		g.Members[i].Owned = first[i].Topics
	}
	g.Members = append(g.Members, Member{ID: "newcomer-00000000000000", Topics: g.Members[0].Topics})
	second := uniBenchAssign(b, g)
	b.ReportMetric(float64(uniMoved(first, second)), "moved")
}
