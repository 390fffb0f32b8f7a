package metrics

import "math"

// Result is everything one run measured.
type Result struct {
	Groups []GroupResult
	// Series holds the samples when Options.OnSample is nil; otherwise each
	// row went to OnSample as it was taken (memory then stays flat however
	// long the run).
	Series     []SeriesRow
	Rebalances []RebalanceRow
	// Timelines holds one entry per member slot of every group
	// (Options.Timeline), groups in order, slots in join order.
	Timelines []Timeline
	// Heatmaps holds one entry per group (Options.HeatmapColumns).
	Heatmaps []Heatmap
	// Events is the number of engine events the run handled (for benchmarks).
	Events uint64
}

// GroupResult holds one group's metrics over the whole run (docs/metrics.md).
type GroupResult struct {
	Group           string       `json:"group"`
	Produced        int64        `json:"produced"`
	Consumed        int64        `json:"consumed"`
	Duplicates      int64        `json:"duplicates"`
	Lost            int64        `json:"lost"`
	ThroughputPerS  float64      `json:"throughput_per_s"`
	Lag             LagStats     `json:"lag"`
	LagTimeS        MaxStat      `json:"lag_time_s"`
	Members         MemberStats  `json:"members"`
	IdleMembers     IdleStats    `json:"idle_members"`
	Rebalances      int          `json:"rebalances"`
	RebalanceTimeS  float64      `json:"rebalance_time_s"`
	PartitionPauseS PauseStats   `json:"partition_pause_s"`
	PartitionsMoved int64        `json:"partitions_moved"`
	LatencyMs       LatencyStats `json:"latency_ms"`
	// CrossZone is the fetch traffic across racks (nil without a broker
	// layout; crosszone.go).
	CrossZone *CrossZoneStats `json:"cross_zone,omitempty"`
	// AfterWarmup holds what an [slo] judges, measured after its warmup
	// (nil without an SLO).
	AfterWarmup *WarmupStats `json:"after_warmup,omitempty"`
	// AutoscalerSteps lists what the group's autoscaler did (absent without
	// an autoscaler).
	AutoscalerSteps []ScaleStep `json:"autoscaler_steps,omitempty"`
}

// WarmupStats are the SLO's metrics from the warmup on: the largest lag and
// lag age at any sample, the p99 latency of records first processed, and
// the longest single-partition pause (its part after the warmup).
type WarmupStats struct {
	WarmupS      float64 `json:"warmup_s"`
	LagMax       int64   `json:"lag_max"`
	LagTimeMaxS  float64 `json:"lag_time_max_s"`
	LatencyP99Ms float64 `json:"latency_p99_ms"`
	PauseMaxS    float64 `json:"pause_max_s"`
}

type LagStats struct {
	Final int64   `json:"final"`
	Mean  float64 `json:"mean"`
	Max   int64   `json:"max"`
}

type MaxStat struct {
	Max float64 `json:"max"`
}

type MemberStats struct {
	Final int `json:"final"`
	Max   int `json:"max"`
}

type IdleStats struct {
	Mean  float64 `json:"mean"`
	Max   int     `json:"max"`
	Final int     `json:"final"`
}

// PauseStats is partition_pause_s split by cause; MaxS is the longest single
// continuous pause of one partition (the SLO's max_pause).
type PauseStats struct {
	Rebalance        float64 `json:"rebalance"`
	FailureDetection float64 `json:"failure_detection"`
	Unassigned       float64 `json:"unassigned"`
	Total            float64 `json:"total"`
	MaxS             float64 `json:"max_single"`
}

type LatencyStats struct {
	P50 float64 `json:"p50"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// SeriesRow is one sample of one group (timeseries.csv).
type SeriesRow struct {
	Group            string
	TS               float64
	ProducedPerS     float64
	ConsumedPerS     float64
	Lag              int64
	LagTimeS         float64
	Members          int
	IdleMembers      int
	PausedPartitions int
	Rebalancing      bool
	Generation       int32
	// CrossZoneBytesPerS is the bytes fetched across racks since the last
	// sample, per second (0 without a broker layout).
	CrossZoneBytesPerS float64
	// PartitionLag is each partition's lag (log end minus committed), in
	// the group's partition order, for the heat map.
	PartitionLag []int64
}

// Heatmap is one group's per-partition lag: Lag[i][j] is the largest lag of
// partition Partitions[i] sampled in column j, which ends at ColumnEndS[j].
type Heatmap struct {
	Group      string
	Partitions []string
	ColumnEndS []float64
	Lag        [][]int64
}

// RebalanceRow is one generation of one group (rebalances.csv).
type RebalanceRow struct {
	Group      string
	Generation int32
	StartS     float64
	EndS       float64 // -1 while still open at the end of the run
	Cause      string
	Members    int
	Moved      int64
	Revoked    int64
}

// Round keeps outputs readable and stable: 6 decimals for seconds and rates.
func Round(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// MemberState is what a member is doing, for timelines (charts).
type MemberState int8

const (
	StateProcessing  MemberState = iota // owns partitions and fetches them
	StateRebalancing                    // in a barrier, revoked, or waiting for positions
	StateIdle                           // alive and in the group, owning nothing
	StateStalled                        // its poll loop is stalled
	StateDead                           // not running
)

func (s MemberState) String() string {
	return [...]string{"processing", "rebalancing", "idle", "stalled", "dead"}[s]
}

// Span is one stretch of a member's timeline: [Start, End) in seconds.
type Span struct {
	Start, End float64
	State      MemberState
}

// Timeline is one member slot's spans. Label names the slot and its latest
// member id.
type Timeline struct {
	Group string
	Slot  int
	Label string
	Spans []Span
}

// ScaleStep is one autoscaler decision that changed the group's size.
type ScaleStep struct {
	TS   float64 `json:"t_s"`
	From int     `json:"from"`
	To   int     `json:"to"`
	Lag  int64   `json:"lag"`
}
