package experiment

import (
	"fmt"
	"strings"

	"github.com/rebalance-sim/rebalance-sim/assignors"
)

// strategyAlias reads an entry of partition.assignment.strategy: our names
// as they are, and the Java consumer's class names, which is what a
// service's config holds (ConsumerConfig takes classes, not names).
func strategyAlias(s string) (string, string) {
	if indexOf(strategyNames, s) >= 0 {
		return s, ""
	}
	name, ok := assignors.FromJavaClass(s)
	switch {
	case ok && indexOf(strategyNames, name) >= 0:
		return name, ""
	case ok:
		remote := strings.TrimPrefix(name, "server-")
		return "", fmt.Sprintf(`%q is a server-side assignor (KIP-848): it runs on the group coordinator, chosen with "group.protocol" = "consumer" and "group.remote.assignor" = %q, never in partition.assignment.strategy`, s, remote)
	}
	if class := "org.apache.kafka.clients.consumer." + s; classOK(class) {
		n, _ := assignors.FromJavaClass(class)
		return "", fmt.Sprintf("%q: Java needs the whole class name, %s (or write %q)", s, class, n)
	}
	if assignors.LooksLikeJavaClass(s) {
		return "", fmt.Sprintf("%q is not one of Kafka's assignors; the simulator models Kafka's own: %s, or their classes %s",
			s, strings.Join(strategyNames, ", "), strings.Join(clientClasses(), ", "))
	}
	return s, "" // the enum check names the choices
}

// remoteAlias reads group.remote.assignor. The Java consumer sends its
// value to the coordinator as the server assignor's name, and the
// coordinator refuses any name it does not know with UNSUPPORTED_ASSIGNOR
// (GroupCoordinatorService, "ServerAssignor ... is not supported"): its
// class names belong in the broker's group.consumer.assignors, not here. So
// a class name is refused, saying which name to write.
func remoteAlias(s string) (string, string) {
	if indexOf(remoteNames, s) >= 0 {
		return s, ""
	}
	name, ok := assignors.FromJavaClass(s)
	switch {
	case ok && indexOf(strategyNames, name) >= 0:
		return "", fmt.Sprintf(`%q is a client-side assignor, for partition.assignment.strategy with "group.protocol" = "classic"; group.remote.assignor takes %s`, s, strings.Join(remoteNames, " or "))
	case ok:
		remote := strings.TrimPrefix(name, "server-")
		return "", fmt.Sprintf(`%q is the class; group.remote.assignor takes the server assignor's name, %q: `+
			`Kafka's coordinator refuses anything else with UNSUPPORTED_ASSIGNOR ("ServerAssignor %s is not supported")`, s, remote, s)
	}
	return s, ""
}

func classOK(class string) bool {
	n, ok := assignors.FromJavaClass(class)
	return ok && indexOf(strategyNames, n) >= 0
}

// clientClasses lists the classes partition.assignment.strategy accepts.
func clientClasses() []string {
	var out []string
	for _, c := range assignors.JavaClasses() {
		if classOK(c) {
			out = append(out, c)
		}
	}
	return out
}
