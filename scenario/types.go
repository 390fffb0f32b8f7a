package scenario

import "time"

// Scenario is everything one run simulates.
type Scenario struct {
	Duration       time.Duration
	SampleInterval time.Duration
	// BatchInterval is batch_interval = "5ms" (top level): producers send
	// each partition's records as one batch per interval (Kafka's linger.ms,
	// 5 ms by default since 4.0), and idle consumers see new records at
	// interval ends. It is the model's time resolution for records; larger
	// values make big runs cheaper.
	BatchInterval time.Duration
	Broker        Broker
	Topics        []Topic    // sorted by name
	Producers     []Producer // sorted by name
	Groups        []Group    // sorted by name
	// Events are sorted by At; events at the same time keep file order.
	Events []Event
	Cost   Cost
}

// Cost prices what the model measures in money ([cost]).
type Cost struct {
	// CrossZonePerGB is cross_zone_per_gb = 0.02: US dollars per GB (10^9
	// bytes) fetched from a replica in another rack than the consumer
	// (AWS charges $0.01 per GB each way between availability zones).
	CrossZonePerGB float64
}

// RackAwareReplicaSelector is the replica.selector.class of KIP-392
// follower fetching: a consumer with client.rack fetches from a replica in
// its rack when the partition has one.
const RackAwareReplicaSelector = "org.apache.kafka.common.replica.RackAwareReplicaSelector"

// Node is one broker of the cluster layout: its node.id and broker.rack
// ("" when it has none).
type Node struct {
	ID   int32
	Rack string
}

// Broker holds broker-side settings (Kafka property names in comments).
type Broker struct {
	InitialRebalanceDelay time.Duration // "group.initial.rebalance.delay.ms" = 3000
	NetworkLatency        time.Duration // network_latency = "1ms", one way client <-> broker
	MinSessionTimeout     time.Duration // "group.min.session.timeout.ms" = 6000
	MaxSessionTimeout     time.Duration // "group.max.session.timeout.ms" = 1800000
	// KIP-848 (group.protocol = consumer): the broker, not the client,
	// sets every member's heartbeat interval and session timeout. The
	// simulation reads these two; the bounds are the broker's own checks
	// on them (GroupCoordinatorConfig), kept for what describes a run.
	ConsumerHeartbeatInterval    time.Duration // "group.consumer.heartbeat.interval.ms" = 5000
	ConsumerSessionTimeout       time.Duration // "group.consumer.session.timeout.ms" = 45000
	ConsumerMinHeartbeatInterval time.Duration // "group.consumer.min.heartbeat.interval.ms" = 5000
	ConsumerMaxHeartbeatInterval time.Duration // "group.consumer.max.heartbeat.interval.ms" = 15000
	ConsumerMinSessionTimeout    time.Duration // "group.consumer.min.session.timeout.ms" = 45000
	ConsumerMaxSessionTimeout    time.Duration // "group.consumer.max.session.timeout.ms" = 60000
	// ConsumerAssignmentInterval is "group.consumer.assignment.interval.ms"
	// = 1000 (0..15000, KIP-1263, Kafka 4.3+): a target assignment is
	// computed at most this often.
	ConsumerAssignmentInterval time.Duration
	// Coordinator failover.
	BrokerSessionTimeout time.Duration // "broker.session.timeout.ms" = 9000 (KRaft fencing)
	GroupLoadTime        time.Duration // group_load_time = "1s": new coordinator loading the group
	// Nodes is the cluster's brokers with their racks, sorted by id
	// (brokers, racks); nil when the experiment has no broker layout, and
	// then replicas, racks and cross-zone traffic are not modelled.
	Nodes                    []Node
	DefaultReplicationFactor int // "default.replication.factor" = 1
	// ReplicaSelector is "replica.selector.class": "" (consumers fetch from
	// the leader) or RackAwareReplicaSelector.
	ReplicaSelector string
}

// FollowerFetching reports whether the brokers serve consumers from a
// replica in their client.rack (KIP-392).
func (b *Broker) FollowerFetching() bool { return b.ReplicaSelector == RackAwareReplicaSelector }

// Topic is one topic.
type Topic struct {
	Name       string
	Partitions int
	// ReplicationFactor is replication_factor (default: the broker's
	// default.replication.factor); 0 without a broker layout.
	ReplicationFactor int
	// RecordSize is record_size = 1024: the bytes one record takes in a
	// fetch response (key, value, headers and overhead, as stored).
	RecordSize int64
	Line       int
}

// Arrivals is a producer's arrival process.
type Arrivals int

const (
	Constant Arrivals = iota // evenly spaced
	Poisson                  // exponential gaps
)

func (a Arrivals) String() string { return [...]string{"constant", "poisson"}[a] }

// Keys says how records choose their partition.
type Keys int

const (
	KeysNone    Keys = iota // no key: spread evenly over partitions
	KeysUniform             // key_count keys, each equally likely; murmur2 picks the partition
	KeysZipf                // key_count keys, Zipf(zipf_s) popularity
)

func (k Keys) String() string { return [...]string{"none", "uniform", "zipf"}[k] }

// Producer is one producer.
type Producer struct {
	Name        string
	Topic       string
	Rate        float64 // records per second
	Arrivals    Arrivals
	Keys        Keys
	KeyCount    int     // key_count = 10000
	ZipfS       float64 // zipf_s = 1.2
	RateChanges []RateChange
	Line        int
}

// RateChange sets a producer's rate from At on.
type RateChange struct {
	At   time.Duration
	Rate float64
}

// Distribution is the shape of per-record processing times.
type Distribution int

const (
	DistConstant Distribution = iota
	DistExponential
	DistLognormal
)

func (d Distribution) String() string { return [...]string{"constant", "exponential", "lognormal"}[d] }

// CommitMode is how a group commits offsets.
type CommitMode int

const (
	CommitAuto CommitMode = iota // Kafka's auto commit (enable.auto.commit = true)
	CommitSync                   // commitSync after each processed batch
)

func (c CommitMode) String() string { return [...]string{"auto", "sync"}[c] }

// GroupProtocol is group.protocol.
type GroupProtocol int

const (
	ProtocolClassic  GroupProtocol = iota
	ProtocolConsumer               // KIP-848
)

func (p GroupProtocol) String() string { return [...]string{"classic", "consumer"}[p] }

// Group is one consumer group.
type Group struct {
	Name      string
	Topics    []string // sorted
	Consumers int      // initial members, started at t = 0

	ProcessingTime         time.Duration // mean per record
	ProcessingDistribution Distribution  // processing_distribution = "constant"
	ProcessingCV           float64       // processing_cv = 1 (lognormal only)
	Commit                 CommitMode    // commit = "auto"
	StaticMembership       bool          // static_membership = false
	RevokeTime             time.Duration // revoke_time = "0s": onPartitionsRevoked callback
	AssignmentTime         time.Duration // assignment_time = "0s": leader's assignor run
	StartupJitter          time.Duration // startup_jitter = "1s": process start spread

	AssignmentStrategy []string      // "partition.assignment.strategy" = ["range", "cooperative-sticky"]
	Protocol           GroupProtocol // "group.protocol" = "classic"
	RemoteAssignor     string        // "group.remote.assignor" = "uniform"
	SessionTimeout     time.Duration // "session.timeout.ms" = 45000
	HeartbeatInterval  time.Duration // "heartbeat.interval.ms" = 3000
	MaxPollInterval    time.Duration // "max.poll.interval.ms" = 300000
	MaxPollRecords     int           // "max.poll.records" = 500
	AutoCommitInterval time.Duration // "auto.commit.interval.ms" = 5000
	AutoOffsetReset    string        // "auto.offset.reset" = "latest" (latest | earliest)
	FetchMaxWait       time.Duration // "fetch.max.wait.ms" = 500
	MetadataMaxAge     time.Duration // "metadata.max.age.ms" = 300000
	RetryBackoff       time.Duration // "retry.backoff.ms" = 100
	RetryBackoffMax    time.Duration // "retry.backoff.max.ms" = 1000

	// ClientRack is "client.rack": the rack each consumer tells Kafka, one
	// for all or a spread (slot i takes ClientRack[i mod len]); nil: none
	// (Kafka's default "").
	ClientRack []string
	// Racks is racks: the rack (availability zone) each consumer runs in,
	// by slot as ClientRack; it defaults to ClientRack. nil: unknown.
	Racks []string

	Autoscaler *Autoscaler // nil when absent
	Line       int
}

// ClientRackOf is the client.rack of the consumer in slot ("" for none).
// A slot keeps its rack across restarts: a restarted pod comes back in its
// zone.
func (g *Group) ClientRackOf(slot int) string { return spread(g.ClientRack, slot) }

// RackOf is the rack the consumer in slot runs in ("" when unknown).
func (g *Group) RackOf(slot int) string { return spread(g.Racks, slot) }

func spread(racks []string, slot int) string {
	if len(racks) == 0 {
		return ""
	}
	return racks[slot%len(racks)]
}

// Autoscaler is a KEDA-style Kafka scaler driving one group.
type Autoscaler struct {
	LagThreshold             int64         // lag_threshold = 1000 (target lag per consumer)
	ActivationLagThreshold   int64         // activation_lag_threshold = 0
	MinConsumers             int           // min_consumers = 1
	MaxConsumers             int           // max_consumers = 30
	AllowIdleConsumers       bool          // allow_idle_consumers = false
	LimitToPartitionsWithLag bool          // limit_to_partitions_with_lag = false
	PollingInterval          time.Duration // polling_interval = "30s"
	Cooldown                 time.Duration // cooldown = "5m"
	Line                     int
}

// Action is an event's action.
type Action int

const (
	ActJoin Action = iota
	ActLeave
	ActCrash
	ActRestart
	ActRollingRestart
	ActPause
	ActSlow
	ActScale
	ActAddPartitions
	ActProducerRate
	ActCoordinatorFailover
)

var actionNames = [...]string{"join", "leave", "crash", "restart", "rolling_restart", "pause", "slow",
	"scale", "add_partitions", "producer_rate", "coordinator_failover"}

func (a Action) String() string { return actionNames[a] }

// ActionNames lists every action in table order.
func ActionNames() []string { return append([]string(nil), actionNames[:]...) }

// Event is one scheduled action. Fields that the action does not use are zero.
type Event struct {
	At       time.Duration
	Action   Action
	Group    string        // every action but producer_rate and add_partitions (which names a topic)
	Count    int           // join, leave, crash, restart, pause, slow (0 when Member is set); add_partitions: partitions added
	Member   int           // leave, crash, restart, pause, slow: index in join order; -1 when unset
	Downtime time.Duration // restart, rolling_restart, coordinator_failover
	Clean    bool          // restart: clean stop instead of a crash
	Duration time.Duration // pause, slow
	Factor   float64       // slow
	To       int           // scale
	Interval time.Duration // rolling_restart: gap between one member's restart and the next
	Topic    string        // add_partitions
	Producer string        // producer_rate
	Rate     float64       // producer_rate
	Line     int
}
