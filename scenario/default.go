package scenario

import "time"

// Default is a scenario with Kafka's broker defaults and the simulator's own
// defaults, and no topics, producers, groups or events. Duration is one
// minute (the file format requires it; a default keeps tests short).
func Default() Scenario {
	return Scenario{
		Duration:       time.Minute,
		SampleInterval: time.Second,
		BatchInterval:  5 * time.Millisecond,
		Broker:         DefaultBroker(),
		Cost:           Cost{CrossZonePerGB: 0.02},
	}
}

// DefaultBroker is the broker side with Kafka 4.4's defaults
// (GroupCoordinatorConfig, KRaftConfigs) and the simulator's network.
func DefaultBroker() Broker {
	return Broker{
		InitialRebalanceDelay:        3 * time.Second,
		NetworkLatency:               time.Millisecond,
		MinSessionTimeout:            6 * time.Second,
		MaxSessionTimeout:            30 * time.Minute,
		ConsumerHeartbeatInterval:    5 * time.Second,
		ConsumerSessionTimeout:       45 * time.Second,
		ConsumerMinHeartbeatInterval: 5 * time.Second,
		ConsumerMaxHeartbeatInterval: 15 * time.Second,
		ConsumerMinSessionTimeout:    45 * time.Second,
		ConsumerMaxSessionTimeout:    time.Minute,
		ConsumerAssignmentInterval:   time.Second,
		BrokerSessionTimeout:         9 * time.Second,
		GroupLoadTime:                time.Second,
		DefaultReplicationFactor:     1,
	}
}

// DefaultProducer is a producer of rate records/s to topic with the
// format's defaults: constant arrivals, no keys.
func DefaultProducer(name, topic string, rate float64) Producer {
	return Producer{Name: name, Topic: topic, Rate: rate, KeyCount: 10000, ZipfS: 1.2}
}

// DefaultGroup is a group with the Java consumer's defaults (ConsumerConfig)
// reading topics with consumers members at processingTime per record.
func DefaultGroup(name string, topics []string, consumers int, processingTime time.Duration) Group {
	return Group{
		Name: name, Topics: topics, Consumers: consumers,
		ProcessingTime: processingTime, ProcessingCV: 1,
		StartupJitter:      time.Second,
		AssignmentStrategy: []string{"range", "cooperative-sticky"},
		RemoteAssignor:     "uniform",
		SessionTimeout:     45 * time.Second,
		HeartbeatInterval:  3 * time.Second,
		MaxPollInterval:    5 * time.Minute,
		MaxPollRecords:     500,
		AutoCommitInterval: 5 * time.Second,
		AutoOffsetReset:    "latest",
		FetchMaxWait:       500 * time.Millisecond,
		MetadataMaxAge:     5 * time.Minute,
		RetryBackoff:       100 * time.Millisecond,
		RetryBackoffMax:    time.Second,
	}
}

// DefaultAutoscaler is KEDA's Kafka scaler defaults as the format gives them.
func DefaultAutoscaler() Autoscaler {
	return Autoscaler{
		LagThreshold:    1000,
		MinConsumers:    1,
		MaxConsumers:    30,
		PollingInterval: 30 * time.Second,
		Cooldown:        5 * time.Minute,
	}
}
