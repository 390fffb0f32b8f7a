package engine

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// Stream returns a PCG random stream seeded from the run seed, the entity
// the stream belongs to and its purpose. Separate streams keep draws for one
// purpose from shifting another's: a producer's arrivals do not change when a
// consumer's processing draws change, so variants of one experiment see the
// same traffic (common random numbers).
func Stream(seed uint64, entity, purpose string) *rand.Rand {
	h1 := fnv64(seed, entity, purpose, 0x9e3779b97f4a7c15)
	h2 := fnv64(seed, entity, purpose, 0xc2b2ae3d27d4eb4f)
	return rand.New(rand.NewPCG(splitmix(h1), splitmix(h2)))
}

func fnv64(seed uint64, a, b string, salt uint64) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037) ^ salt
	for i := 0; i < 8; i++ {
		h ^= (seed >> (8 * i)) & 0xff
		h *= prime
	}
	for i := 0; i < len(a); i++ {
		h ^= uint64(a[i])
		h *= prime
	}
	h ^= 0xff // separator, so ("ab","c") and ("a","bc") differ
	h *= prime
	for i := 0; i < len(b); i++ {
		h ^= uint64(b[i])
		h *= prime
	}
	return h
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Poisson draws a Poisson(mean) count from r (gonum's sampler).
func Poisson(r *rand.Rand, mean float64) int64 {
	if mean <= 0 {
		return 0
	}
	return int64(distuv.Poisson{Lambda: mean, Src: r}.Rand())
}

// Gamma draws a Gamma(shape, scale) variate: the sum of `shape` independent
// exponentials of mean `scale`, which is how a batch of n exponential service
// times is drawn in one step.
func Gamma(r *rand.Rand, shape, scale float64) float64 {
	if shape <= 0 || scale <= 0 {
		return 0
	}
	return distuv.Gamma{Alpha: shape, Beta: 1 / scale, Src: r}.Rand()
}

// LognormalSum approximates the sum of n independent lognormal variates of
// the given mean and coefficient of variation by one lognormal with the same
// mean and variance (Fenton-Wilkinson), so a batch costs one draw.
func LognormalSum(r *rand.Rand, n int, mean, cv float64) float64 {
	if n <= 0 || mean <= 0 {
		return 0
	}
	m := float64(n) * mean
	v := float64(n) * (cv * mean) * (cv * mean)
	sigma2 := math.Log1p(v / (m * m))
	mu := math.Log(m) - sigma2/2
	return math.Exp(mu + math.Sqrt(sigma2)*r.NormFloat64())
}
