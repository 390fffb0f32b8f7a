package placement

// JavaRandom is java.util.Random: a 48-bit linear congruential generator.
// Only what Kafka's placer calls is here (nextInt(bound) and
// Collections.shuffle over it).
type JavaRandom struct {
	seed int64
}

const (
	javaMultiplier = 0x5DEECE66D
	javaAddend     = 0xB
	javaMask       = 1<<48 - 1
)

// NewJavaRandom is `new Random(seed)`.
func NewJavaRandom(seed int64) *JavaRandom {
	return &JavaRandom{seed: (seed ^ javaMultiplier) & javaMask}
}

// next is Random.next(bits). NB: the multiplication wraps in 64 bits, as
// Java's long arithmetic does, before the mask keeps 48 of them.
func (r *JavaRandom) next(bits uint) int32 {
	r.seed = (r.seed*javaMultiplier + javaAddend) & javaMask
	return int32(r.seed >> (48 - bits))
}

// NextInt is Random.nextInt(bound), bound > 0: uniform in [0, bound), with
// Java's rejection of the biased tail.
func (r *JavaRandom) NextInt(bound int32) int32 {
	if bound <= 0 {
		panic("placement: NextInt bound must be positive")
	}
	v := r.next(31)
	m := bound - 1
	if bound&m == 0 { // a power of two: the high bits
		return int32((int64(bound) * int64(v)) >> 31)
	}
	// NB: u - v + m overflows int32 exactly when Java's does, which is the
	// rejection test.
	for u := v; ; u = r.next(31) {
		v = u % bound
		if u-v+m >= 0 {
			return v
		}
	}
}

// shuffle is Collections.shuffle(list, rnd) for a random-access list:
// from the end, swap each element with one at or before it.
func shuffle[T any](list []T, r *JavaRandom) {
	for i := len(list); i > 1; i-- {
		j := r.NextInt(int32(i))
		list[i-1], list[j] = list[j], list[i-1]
	}
}
