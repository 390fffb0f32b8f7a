package validation

import "sort"

// intervals is a set of offsets as sorted, disjoint, non-adjacent [a, b)
// ranges: the records of one partition processed so far.
type intervals struct {
	r [][2]int64
}

// add inserts [a, b) and returns the parts of it that were not in the set
// (first processings), in order.
func (s *intervals) add(a, b int64) [][2]int64 {
	if b <= a {
		return nil
	}
	var fresh [][2]int64
	cur := a
	// NB: the first range that ends after a.
	i := sort.Search(len(s.r), func(i int) bool { return s.r[i][1] > a })
	for j := i; j < len(s.r) && s.r[j][0] < b && cur < b; j++ {
		if s.r[j][0] > cur {
			fresh = append(fresh, [2]int64{cur, s.r[j][0]})
		}
		cur = max(cur, s.r[j][1])
	}
	if cur < b {
		fresh = append(fresh, [2]int64{cur, b})
	}
	// Merge [a, b) with every range it touches.
	lo, hi := a, b
	j := i
	if j > 0 && s.r[j-1][1] == a {
		j--
	}
	k := j
	for k < len(s.r) && s.r[k][0] <= b {
		lo = min(lo, s.r[k][0])
		hi = max(hi, s.r[k][1])
		k++
	}
	out := append([][2]int64{}, s.r[:j]...)
	out = append(out, [2]int64{lo, hi})
	s.r = append(out, s.r[k:]...)
	return fresh
}

// prefix is the first offset not in the set: every offset below it has
// been processed (the simulator's processed high-water mark).
func (s *intervals) prefix() int64 {
	if len(s.r) == 0 || s.r[0][0] > 0 {
		return 0
	}
	return s.r[0][1]
}

// covered counts the offsets of [a, b) in the set.
func (s *intervals) covered(a, b int64) int64 {
	var n int64
	for _, x := range s.r {
		lo, hi := max(a, x[0]), min(b, x[1])
		if hi > lo {
			n += hi - lo
		}
	}
	return n
}
