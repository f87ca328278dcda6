package synth

// rng is a small, fast pseudo-random generator (SplitMix64). It is written
// out here rather than taken from math/rand so that a seed gives the same
// files whatever Go release builds govhall: the generator's output is part
// of its contract.
type rng struct{ s uint64 }

// mix is SplitMix64's finaliser: a good 64-bit hash of x.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// seeded makes a generator for one stream (a block of persons, an entity,
// a table) of a seed, so any part of the output can be regenerated alone.
func seeded(seed int64, stream, index uint64) rng {
	return rng{s: mix(uint64(seed)^mix(stream+0x9e3779b97f4a7c15)) ^ mix(index*0x9e3779b97f4a7c15+stream)}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix(r.s)
}

// intn returns a number in [0, n); n must be positive.
func (r *rng) intn(n int) int { return int((r.next() >> 32) * uint64(n) >> 32) }

// between returns a number in [lo, hi]; when hi < lo it returns lo.
func (r *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.intn(hi-lo+1)
}

// chance is true with probability p.
func (r *rng) chance(p float64) bool { return float64(r.next()>>11)/(1<<53) < p }

// weighted picks an index by cumulative weights (cum[len-1] is the total).
func (r *rng) weighted(cum []int) int {
	x := r.intn(cum[len(cum)-1])
	lo, hi := 0, len(cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// cumulative turns weights into the running sums weighted expects.
func cumulative(w []int) []int {
	c := make([]int, len(w))
	t := 0
	for i, v := range w {
		t += v
		c[i] = t
	}
	return c
}

// Stream numbers keep the random streams of different parts apart.
const (
	streamTable uint64 = iota + 1
	streamBlock
	streamEntity
	streamLicence
	streamDirty
	streamVillage
)
