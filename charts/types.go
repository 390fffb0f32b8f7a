package charts

// Input types: everything a chart or the HTML report shows comes from these,
// and they come from the model (sim, via report). Nothing here is computed from
// anything else than these values.

// Experiment is one experiment's results, ready to draw.
type Experiment struct {
	Name        string
	Description string
	// Source is the experiment file's text (shown in the report's config
	// section).
	Source string
	// Variants in file order ("" when the file has none).
	Variants []string
	// Runs in the experiment's fixed order.
	Runs []Run
	// Sweep axes (paths) in file order; empty without a sweep.
	SweepPaths []string
	// SLO describes the objectives in one line each; empty without [slo].
	SLO []string
	// Plan is the capacity-planning answer as table rows (first row the
	// header); empty without a sweep and an SLO.
	Plan [][]string
}

// Run is one run.
type Run struct {
	ID      string
	Variant string
	Seed    uint64
	// Sweep values in the order of Experiment.SweepPaths, as numbers when
	// numeric (Value) and as printed (Label).
	Sweep []SweepValue
	// SLOPass is nil without an SLO.
	SLOPass *bool
	Groups  []Group
}

type SweepValue struct {
	Path  string
	Label string
	Value float64
	// Numeric is false for string/bool values (then charts use the index).
	Numeric bool
}

// Group is one consumer group's results in one run.
type Group struct {
	Name    string
	Summary Summary
	// Samples is the timeseries, already downsampled to at most a chart's
	// pixel width (see Downsampler); times ascending.
	Samples []Sample
	// Members is one timeline row per member slot, in join order.
	Members []MemberTimeline
	// Rebalances are the group's generations (start, end in seconds).
	Rebalances []Rebalance
	// Partitions labels the heat map rows ("topic-0", ...), and Heatmap[i][j]
	// is partition i's lag in column j; HeatmapT[j] is column j's end time.
	Partitions []string
	Heatmap    [][]int64
	HeatmapT   []float64
}

// Summary holds the metrics the bar charts and tables show.
type Summary struct {
	ThroughputPerS         float64
	LagMax                 int64
	LagMean                float64
	LagTimeMaxS            float64
	IdleMean               float64
	IdleMax                int
	Duplicates             int64
	Rebalances             int
	RebalanceTimeS         float64
	PauseRebalanceS        float64
	PauseFailureDetectionS float64
	PauseUnassignedS       float64
	PauseTotalS            float64
	PauseMaxS              float64
	PartitionsMoved        int64
	LatencyP50Ms           float64
	LatencyP99Ms           float64
	MembersMax             int
	// CrossZone: the run has a broker layout, and these are its fetch
	// traffic across racks (bytes, share of what was fetched, dollars at
	// the experiment's price over a 730-hour month).
	CrossZone            bool
	CrossZoneBytes       int64
	CrossZoneFraction    float64
	CrossZoneUSDPerMonth float64
}

// Sample is one (possibly downsampled) point of the timeseries.
type Sample struct {
	T                float64 // seconds
	ProducedPerS     float64
	ConsumedPerS     float64
	Lag              int64
	LagTimeS         float64
	Members          int
	IdleMembers      int
	PausedPartitions int
	Rebalancing      bool
	// CrossZoneBytesPerS is the bytes fetched across racks per second.
	CrossZoneBytesPerS float64
}

// State is what a member is doing over a span of its timeline.
type State int

const (
	Processing  State = iota // owns partitions and fetches them
	Rebalancing              // in a join/sync barrier, or waiting for positions, or revoked
	Idle                     // alive, in the group, owns nothing
	Stalled                  // its poll loop is stalled (pause event)
	Dead                     // not running
	numStates
)

func (s State) String() string {
	return [...]string{"processing", "rebalancing", "idle", "stalled", "dead"}[s]
}

// MemberTimeline is one member slot's states over the run.
type MemberTimeline struct {
	Label string // e.g. "#3 consumer-g-1-1a2b3c4d"
	Spans []Span
}

// Span is [Start, End) seconds in one state. Spans of a timeline are sorted
// and do not overlap; gaps mean "not started yet".
type Span struct {
	Start, End float64
	State      State
}

// Rebalance is one generation of a group.
type Rebalance struct {
	Generation int32
	Start, End float64 // End < 0: still open at the end of the run
	Cause      string
}
