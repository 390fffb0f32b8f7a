package assignors

import (
	"sort"
	"strings"
)

// Java class names. A Java consumer's partition.assignment.strategy names
// its assignors by class (ConsumerConfig parses the list with
// Class.forName), and a broker's group.consumer.assignors takes the
// server assignors' names or classes (GroupCoordinatorConfig). Users paste
// those from their services' configs, so the names below are accepted
// wherever an assignor is named, and mapped to ours.
var javaClasses = map[string]string{ // NB: lookup only
	"org.apache.kafka.clients.consumer.RangeAssignor":             "range",
	"org.apache.kafka.clients.consumer.RoundRobinAssignor":        "roundrobin",
	"org.apache.kafka.clients.consumer.StickyAssignor":            "sticky",
	"org.apache.kafka.clients.consumer.CooperativeStickyAssignor": "cooperative-sticky",
	"org.apache.kafka.coordinator.group.assignor.UniformAssignor": "uniform",
	"org.apache.kafka.coordinator.group.assignor.RangeAssignor":   "server-range",
}

// FromJavaClass returns our name for one of Kafka's assignor classes
// (org.apache.kafka.clients.consumer.CooperativeStickyAssignor ->
// cooperative-sticky, org.apache.kafka.coordinator.group.assignor.RangeAssignor
// -> server-range); ok is false for anything else.
func FromJavaClass(class string) (name string, ok bool) {
	name, ok = javaClasses[class]
	return name, ok
}

// JavaClassOf is the Kafka class of one of our assignors ("" for none).
func JavaClassOf(name string) string {
	for _, c := range JavaClasses() {
		if javaClasses[c] == name {
			return c
		}
	}
	return ""
}

// JavaClasses lists the class names FromJavaClass maps, sorted.
func JavaClasses() []string {
	out := make([]string, 0, len(javaClasses))
	for c := range javaClasses {
		out = append(out, c)
	}
	sort.Strings(out) // NB: map order must not reach the output.
	return out
}

// LooksLikeJavaClass reports whether s is written as a Java class name
// (a dotted, package-qualified identifier such as com.example.MyAssignor),
// so that a message can say that only Kafka's own classes are modelled.
func LooksLikeJavaClass(s string) bool {
	if !strings.Contains(s, ".") || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" {
			return false
		}
		for i, r := range part {
			letter := r == '_' || r == '$' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
			if !letter && (i == 0 || r < '0' || r > '9') {
				return false
			}
		}
	}
	return true
}
