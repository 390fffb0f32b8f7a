package assignors

import (
	"sort"
	"unicode/utf16"
)

// Java ordering rules. Kafka's assignors iterate Java
// HashMaps and HashSets in several places, and the iteration order decides
// ties; reproducing it is what makes our answers Kafka's answers.

// JavaStringHash is java.lang.String.hashCode: h = 31*h + c over UTF-16 code
// units, with int32 overflow.
func JavaStringHash(s string) int32 {
	var h int32
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 {
			h = 31*h + int32(c)
			continue
		}
		// Non-ASCII: fall back to decoding the rest as UTF-16 units.
		for _, u := range utf16.Encode([]rune(s[i:])) {
			h = 31*h + int32(u)
		}
		return h
	}
	return h
}

// JavaStringCompare is java.lang.String.compareTo reduced to its sign:
// lexicographic by UTF-16 code unit. For ASCII this is byte order; it differs
// from Go's byte order only for runes above U+FFFF against U+E000..U+FFFF.
func JavaStringCompare(a, b string) int {
	if isASCII(a) && isASCII(b) {
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	}
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			if ua[i] < ub[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(ua) < len(ub):
		return -1
	case len(ua) > len(ub):
		return 1
	}
	return 0
}

// JavaStringLess reports whether a sorts before b in Java String order.
func JavaStringLess(a, b string) bool { return JavaStringCompare(a, b) < 0 }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// JavaIntegerHash is java.lang.Integer.hashCode.
func JavaIntegerHash(v int32) int32 { return v }

// JavaTopicPartitionHash is org.apache.kafka.common.TopicPartition.hashCode:
// 31*(31 + partition) + topic.hashCode().
func JavaTopicPartitionHash(topic string, partition int32) int32 {
	const prime = 31
	result := int32(1)
	result = prime*result + partition
	result = prime*result + JavaStringHash(topic)
	return result
}

// spread is HashMap.hash: the high half folded into the low half.
func spread(h int32) uint32 {
	u := uint32(h)
	return u ^ (u >> 16)
}

// tableSizeFor is HashMap.tableSizeFor: the smallest power of two >= c
// (at least 1, at most 1<<30).
func tableSizeFor(c int) int {
	n := 1
	for n < c && n < 1<<30 {
		n <<= 1
	}
	return n
}

// grow doubles cap until n entries fit under the 0.75 load factor, as
// HashMap.resize does while entries are put one at a time.
func grow(cap, n int) int {
	for cap < 1<<30 && float32(n) > float32(cap)*0.75 {
		cap <<= 1
	}
	return cap
}

// JavaDefaultCapacity is the table size of `new HashMap<>()` (or HashSet)
// after n puts.
func JavaDefaultCapacity(n int) int { return grow(16, n) }

// JavaInitialCapacity is the table size of `new HashMap<>(initial)` after n puts.
func JavaInitialCapacity(initial, n int) int { return grow(tableSizeFor(initial), n) }

// JavaCopyCapacity is the table size of `new HashMap<>(m)` where m has n
// entries: putMapEntries sizes the table as tableSizeFor(n/0.75 + 1).
func JavaCopyCapacity(n int) int {
	if n == 0 {
		return 16 // NB: an empty copy allocates the default table on first put.
	}
	ft := float32(n)/0.75 + 1
	return grow(tableSizeFor(int(ft)), n)
}

// JavaHashSetCopyCapacity is the table size of `new HashSet<>(c)` where c has n
// elements: new HashMap<>(max((int)(n/.75f) + 1, 16)).
func JavaHashSetCopyCapacity(n int) int {
	initial := int(float32(n)/0.75) + 1
	if initial < 16 {
		initial = 16
	}
	return JavaInitialCapacity(initial, n)
}

// JavaHashOrder returns the indexes of hashes in the order a Java HashMap with
// the given table size iterates keys that were inserted in index order: by
// bucket, and within a bucket by insertion (resizes keep that relative order).
// Treeified bins (>= 8 keys in one bucket of a table of >= 64) are not
// modelled.
func JavaHashOrder(hashes []int32, capacity int) []int {
	mask := uint32(capacity - 1)
	idx := make([]int, len(hashes))
	for i := range idx {
		idx[i] = i
	}
	// NB: stable, so keys in one bucket keep their insertion order.
	sort.SliceStable(idx, func(a, b int) bool {
		return spread(hashes[idx[a]])&mask < spread(hashes[idx[b]])&mask
	})
	return idx
}

// JavaStringHashOrder is JavaHashOrder for String keys.
func JavaStringHashOrder(keys []string, capacity int) []int {
	hashes := make([]int32, len(keys))
	for i, k := range keys {
		hashes[i] = JavaStringHash(k)
	}
	return JavaHashOrder(hashes, capacity)
}
