package metrics

import "math"

// CrossZoneStats is the fetch traffic of one group with a broker layout
// (docs/metrics.md, cross_zone): bytes its members fetched, and of those
// the bytes fetched from a replica in another rack than the member runs
// in, with their price.
type CrossZoneStats struct {
	FetchedBytes int64 `json:"fetched_bytes"`
	Bytes        int64 `json:"bytes"`
	// Fraction is Bytes / FetchedBytes (0 when nothing was fetched).
	Fraction float64 `json:"fraction"`
	// CostUSD is Bytes at cost.cross_zone_per_gb over the whole run;
	// USDPerMonth is the run's average rate over a 730-hour month.
	CostUSD     float64 `json:"cost_usd"`
	USDPerMonth float64 `json:"usd_per_month"`
}

// hoursPerMonth is the average month cloud bills use (8,760 h / 12).
const hoursPerMonth = 730

// crossZone accumulates a group's fetch traffic.
type crossZone struct {
	on             bool
	perGB          float64
	fetched, cross int64
	lastCross      int64 // cross at the previous sample
}

// CountCrossZone turns the fetch traffic on for a group whose cluster has
// a broker layout, priced at perGB dollars per 10^9 bytes.
func (g *Group) CountCrossZone(perGB float64) { g.xz.on, g.xz.perGB = true, perGB }

// Fetched counts one poll's bytes, and of them those fetched across racks.
func (g *Group) Fetched(bytes, cross int64) {
	g.xz.fetched = satAdd(g.xz.fetched, bytes)
	g.xz.cross = satAdd(g.xz.cross, cross)
}

// CrossZoneSinceSample is the cross-zone bytes fetched since the last
// sample.
func (g *Group) CrossZoneSinceSample() int64 { return g.xz.cross - g.xz.lastCross }

// satAdd adds non-negative counts, stopping at the largest int64 rather
// than wrapping (the loader's limit keeps real runs far below it).
func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

func (x *crossZone) result(dur float64) *CrossZoneStats {
	if !x.on {
		return nil
	}
	r := &CrossZoneStats{FetchedBytes: x.fetched, Bytes: x.cross}
	if x.fetched > 0 {
		r.Fraction = Round(float64(x.cross) / float64(x.fetched))
	}
	cost := float64(x.cross) / 1e9 * x.perGB
	r.CostUSD = Round(cost)
	if dur > 0 {
		r.USDPerMonth = Round(cost / dur * hoursPerMonth * 3600)
	}
	return r
}
