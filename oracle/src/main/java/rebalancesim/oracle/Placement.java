package rebalancesim.oracle;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.placement.ClusterDescriber;
import org.apache.kafka.metadata.placement.PartitionAssignment;
import org.apache.kafka.metadata.placement.PlacementSpec;
import org.apache.kafka.metadata.placement.StripedReplicaPlacer;
import org.apache.kafka.metadata.placement.TopicAssignment;
import org.apache.kafka.metadata.placement.UsableBroker;

/**
 * Replica placement by Kafka 4.4's own StripedReplicaPlacer (kafka-metadata),
 * the placer the KRaft controller uses for a topic created without an
 * explicit assignment.
 *
 * <p>Request: {"place": {"brokers": [{"id", "rack" or absent}],
 * "partitions", "replication_factor", "seed", "calls"}}: "calls" placements
 * of "partitions" partitions each, one placer with one new Random(seed)
 * across them (as one controller serves successive CreateTopics and
 * CreatePartitions). Answer: {"placements": [[[broker...] per partition]
 * per call]} or {"error": "Class: message"}.
 *
 * <p>The brokers reach the placer as the controller's heartbeat manager
 * hands them over: the values of a HashMap keyed by broker id, filled in id
 * order as the brokers register.
 */
final class Placement {
    private Placement() {
    }

    @SuppressWarnings("unchecked")
    static String handle(Map<String, Object> req) {
        Map<String, Object> p = (Map<String, Object>) req.get("place");
        Map<Integer, UsableBroker> brokers = new HashMap<>();
        List<Object> list = (List<Object>) p.get("brokers");
        list.stream()
            .map(o -> (Map<String, Object>) o)
            .sorted((a, b) -> Long.compare((Long) a.get("id"), (Long) b.get("id")))
            .forEach(b -> {
                int id = ((Long) b.get("id")).intValue();
                brokers.put(id, new UsableBroker(id, Optional.ofNullable((String) b.get("rack")), false));
            });
        ClusterDescriber cluster = new ClusterDescriber() {
            @Override
            public java.util.Iterator<UsableBroker> usableBrokers() {
                return brokers.values().iterator();
            }

            @Override
            public Uuid defaultDir(int brokerId) {
                return Uuid.ZERO_UUID;
            }
        };
        int partitions = ((Long) p.get("partitions")).intValue();
        short rf = ((Long) p.get("replication_factor")).shortValue();
        long calls = p.get("calls") == null ? 1 : (Long) p.get("calls");
        StripedReplicaPlacer placer = new StripedReplicaPlacer(new Random((Long) p.get("seed")));
        StringBuilder b = new StringBuilder("{\"placements\": [");
        try {
            for (long c = 0; c < calls; c++) {
                TopicAssignment ta = placer.place(new PlacementSpec(0, partitions, rf), cluster);
                b.append(c > 0 ? ", " : "").append('[');
                for (int i = 0; i < ta.assignments().size(); i++) {
                    PartitionAssignment pa = ta.assignments().get(i);
                    b.append(i > 0 ? ", " : "").append('[');
                    for (int j = 0; j < pa.replicas().size(); j++) {
                        b.append(j > 0 ? ", " : "").append(pa.replicas().get(j));
                    }
                    b.append(']');
                }
                b.append(']');
            }
        } catch (RuntimeException e) {
            StringBuilder err = new StringBuilder("{\"error\": ");
            Json.quote(err, e.getClass().getSimpleName() + ": " + e.getMessage());
            return err.append('}').toString();
        }
        return b.append("]}").toString();
    }
}
