package rebalancesim.oracle;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.coordinator.common.runtime.CoordinatorMetadataImage;
import org.apache.kafka.coordinator.group.api.assignor.ConsumerGroupPartitionAssignor;
import org.apache.kafka.coordinator.group.api.assignor.GroupAssignment;
import org.apache.kafka.coordinator.group.api.assignor.MemberAssignment;
import org.apache.kafka.coordinator.group.api.assignor.SubscribedTopicDescriber;
import org.apache.kafka.coordinator.group.api.assignor.SubscriptionType;
import org.apache.kafka.coordinator.group.modern.GroupSpecImpl;
import org.apache.kafka.coordinator.group.modern.MemberSubscriptionAndAssignmentImpl;
import org.apache.kafka.coordinator.group.modern.TopicIds;

/**
 * The assignor oracle: reads one request per line on stdin, answers one line
 * on stdout, with the plans of Kafka's own assignor classes.
 *
 * <p>Request: {"assignor": NAME, "groups": [GROUP...], "bench": N}. The
 * groups are successive rounds of one group: classic assignors keep one
 * instance across them, as a leader does (the sticky assignors remember the
 * highest generation they have seen). With "bench" each group is assigned N
 * more times on fresh instances and the total time is reported.
 *
 * <p>GROUP: {"topics": [{"name", "partitions", "id", "racks": [[rack...]
 * per partition] or absent}], "members": [{"id", "instance", "rack",
 * "topics": [...], "owned": [{"topic", "partitions": [...]}],
 * "generation"}]}, members in the order the leader (or the coordinator)
 * inserted them into its map.
 *
 * <p>A request with "place" instead asks Kafka's replica placer (see
 * Placement).
 *
 * <p>Answer: {"results": [{"plan": [{"id", "topics": [{"topic",
 * "partitions"}]}]} or {"error": "Class: message"} per group], "nanos":
 * [...]}. Plans list every input member in input order, topics by name,
 * partitions ascending.
 */
public final class Driver {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            String answer;
            try {
                answer = handle(line);
            } catch (Throwable t) {
                StringBuilder b = new StringBuilder("{\"fatal\": ");
                Json.quote(b, t.toString());
                answer = b.append('}').toString();
            }
            out.write(answer);
            out.write('\n');
            out.flush();
        }
    }

    @SuppressWarnings("unchecked")
    static String handle(String line) {
        Map<String, Object> req = (Map<String, Object>) Json.parse(line);
        if (req.get("place") != null) {
            return Placement.handle(req);
        }
        String name = (String) req.get("assignor");
        List<Object> groups = (List<Object>) req.get("groups");
        long bench = req.get("bench") == null ? 0 : (Long) req.get("bench");
        List<Group> parsed = new ArrayList<>();
        for (Object g : groups) {
            Group pg = Group.of((Map<String, Object>) g);
            // Kafka's own unit tests feed the server assignors differently
            // from production (members in a TreeMap, owned assignments in a
            // LinkedHashMap, the subscription type given); "harness" asks for
            // that, so that their cases can be replayed.
            if (req.get("harness") != null) {
                Map<String, Object> h = (Map<String, Object>) req.get("harness");
                pg.membersInOrder = Boolean.TRUE.equals(h.get("members_in_order"));
                pg.ownedInOrder = Boolean.TRUE.equals(h.get("owned_in_order"));
                pg.subscriptionType = (String) h.get("subscription_type");
            }
            parsed.add(pg);
        }
        StringBuilder b = new StringBuilder("{\"results\": [");
        Object instance = newAssignor(name);
        for (int k = 0; k < parsed.size(); k++) {
            if (k > 0) {
                b.append(", ");
            }
            try {
                writePlan(b, parsed.get(k), assign(instance, parsed.get(k)));
            } catch (Throwable t) {
                b.append("{\"error\": ");
                Json.quote(b, t.getClass().getSimpleName() + ": " + t.getMessage());
                b.append('}');
            }
        }
        b.append(']');
        if (bench > 0) {
            b.append(", \"nanos\": [");
            for (int k = 0; k < parsed.size(); k++) {
                Group g = parsed.get(k);
                Prepared p = prepare(name, g);
                long start = System.nanoTime();
                for (long r = 0; r < bench; r++) {
                    try {
                        p.run(newAssignor(name));
                    } catch (Throwable t) {
                        // The plan above already reported the failure.
                    }
                }
                long took = System.nanoTime() - start;
                b.append(k > 0 ? ", " : "").append(took);
            }
            b.append(']');
        }
        return b.append('}').toString();
    }

    static Object newAssignor(String name) {
        switch (name) {
            case "range": return new RangeAssignor();
            case "roundrobin": return new RoundRobinAssignor();
            case "sticky": return new StickyAssignor();
            case "cooperative-sticky": return new CooperativeStickyAssignor();
            case "uniform": return new org.apache.kafka.coordinator.group.assignor.UniformAssignor();
            case "server-range": return new org.apache.kafka.coordinator.group.assignor.RangeAssignor();
            default: throw new IllegalArgumentException("unknown assignor " + name);
        }
    }

    /** One input group, as read. */
    static final class Group {
        final List<String> topicNames = new ArrayList<>();
        final Map<String, Integer> partitions = new HashMap<>();
        final Map<String, Uuid> ids = new HashMap<>();
        final Map<String, List<List<String>>> racks = new HashMap<>();
        final List<Member> members = new ArrayList<>();
        boolean membersInOrder;
        boolean ownedInOrder;
        String subscriptionType;

        @SuppressWarnings("unchecked")
        static Group of(Map<String, Object> g) {
            Group out = new Group();
            for (Object o : (List<Object>) g.get("topics")) {
                Map<String, Object> t = (Map<String, Object>) o;
                String name = (String) t.get("name");
                out.topicNames.add(name);
                out.partitions.put(name, ((Long) t.get("partitions")).intValue());
                out.ids.put(name, Uuid.fromString((String) t.get("id")));
                if (t.get("racks") != null) {
                    List<List<String>> rs = new ArrayList<>();
                    for (Object r : (List<Object>) t.get("racks")) {
                        rs.add((List<String>) (List<?>) r);
                    }
                    out.racks.put(name, rs);
                }
            }
            for (Object o : (List<Object>) g.get("members")) {
                Map<String, Object> m = (Map<String, Object>) o;
                Member mm = new Member();
                mm.id = (String) m.get("id");
                mm.instance = (String) m.get("instance");
                mm.rack = (String) m.get("rack");
                mm.topics = (List<String>) (List<?>) m.get("topics");
                mm.generation = m.get("generation") == null ? -1 : ((Long) m.get("generation")).intValue();
                if (m.get("owned") != null) {
                    for (Object x : (List<Object>) m.get("owned")) {
                        Map<String, Object> tp = (Map<String, Object>) x;
                        List<Integer> ps = new ArrayList<>();
                        for (Object p : (List<Object>) tp.get("partitions")) {
                            ps.add(((Long) p).intValue());
                        }
                        mm.owned.put((String) tp.get("topic"), ps);
                    }
                }
                out.members.add(mm);
            }
            return out;
        }
    }

    static final class Member {
        String id;
        String instance;
        String rack;
        List<String> topics;
        int generation;
        /** Owned partitions by topic, in input order (sorted by topic). */
        final Map<String, List<Integer>> owned = new LinkedHashMap<>();

        List<TopicPartition> ownedList() {
            List<TopicPartition> l = new ArrayList<>();
            owned.forEach((t, ps) -> ps.forEach(p -> l.add(new TopicPartition(t, p))));
            return l;
        }
    }

    /** The assignor's input built once, so that the benchmark times assign alone. */
    interface Prepared {
        Map<String, Map<String, List<Integer>>> run(Object assignor);
    }

    static Map<String, Map<String, List<Integer>>> assign(Object assignor, Group g) {
        return prepare(nameOf(assignor), g).run(assignor);
    }

    static String nameOf(Object a) {
        if (a instanceof ConsumerPartitionAssignor) {
            return ((ConsumerPartitionAssignor) a).name();
        }
        String n = ((ConsumerGroupPartitionAssignor) a).name();
        return n.equals("range") ? "server-range" : n;
    }

    static Prepared prepare(String name, Group g) {
        if (name.equals("uniform") || name.equals("server-range")) {
            return prepareServer(g);
        }
        return prepareClassic(name, g);
    }

    /**
     * The leader's view: Cluster metadata with one broker per rack (a
     * replica without a rack sits on a broker with no rack) and the
     * subscriptions map, a HashMap filled in member order as
     * ConsumerCoordinator fills it.
     */
    static Prepared prepareClassic(String name, Group g) {
        Map<String, Node> nodes = new LinkedHashMap<>();
        Node noRack = new Node(0, "broker-0", 9092, null);
        nodes.put("", noRack);
        List<PartitionInfo> infos = new ArrayList<>();
        for (String t : g.topicNames) {
            int n = g.partitions.get(t);
            List<List<String>> rs = g.racks.get(t);
            for (int p = 0; p < n; p++) {
                List<Node> replicas = new ArrayList<>();
                if (rs != null && p < rs.size()) {
                    for (String r : rs.get(p)) {
                        String key = r == null ? "" : r;
                        replicas.add(nodes.computeIfAbsent(key, k -> new Node(nodes.size(), "broker-" + nodes.size(), 9092, k)));
                    }
                }
                if (replicas.isEmpty()) {
                    replicas.add(noRack);
                }
                Node[] arr = replicas.toArray(new Node[0]);
                infos.add(new PartitionInfo(t, p, arr[0], arr, arr));
            }
        }
        Cluster cluster = new Cluster("oracle", nodes.values(), infos, Collections.emptySet(), Collections.emptySet());
        Map<String, Subscription> subs = new HashMap<>();
        for (Member m : g.members) {
            Optional<String> rack = Optional.ofNullable(m.rack);
            Subscription s;
            if (name.equals("sticky")) {
                // The eager sticky assignor carries its previous assignment
                // and generation in its user data, as the client writes it.
                ByteBuffer userData = null;
                if (!m.owned.isEmpty() || m.generation != -1) {
                    StickyAssignor writer = new StickyAssignor();
                    writer.onAssignment(new Assignment(m.ownedList()),
                        new ConsumerGroupMetadata("oracle", m.generation, m.id, Optional.ofNullable(m.instance)));
                    userData = writer.subscriptionUserData(new HashSet<>(m.topics));
                }
                // ConsumerCoordinator.metadata sends the generation with
                // every assignor's subscription; an eager member has
                // revoked everything before joining, so it owns nothing.
                s = new Subscription(m.topics, userData, Collections.emptyList(), m.generation, rack);
            } else {
                s = new Subscription(m.topics, null, m.ownedList(), m.generation, rack);
            }
            s.setGroupInstanceId(Optional.ofNullable(m.instance));
            subs.put(m.id, s);
        }
        GroupSubscription gs = new GroupSubscription(subs);
        return a -> {
            if (name.equals("sticky")) {
                // User data is a buffer the assignor reads: rewind for reuse.
                subs.values().forEach(s -> {
                    if (s.userData() != null) {
                        s.userData().rewind();
                    }
                });
            }
            Map<String, Assignment> result = ((ConsumerPartitionAssignor) a).assign(cluster, gs).groupAssignment();
            Map<String, Map<String, List<Integer>>> out = new HashMap<>();
            result.forEach((member, asg) -> {
                Map<String, List<Integer>> byTopic = new TreeMap<>();
                for (TopicPartition tp : asg.partitions()) {
                    byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(tp.partition());
                }
                out.put(member, byTopic);
            });
            return out;
        };
    }

    /**
     * The coordinator's view, built as TargetAssignmentBuilder builds it: a
     * HashMap of member specs filled in member order; each subscription a
     * HashSet of names seen through TopicIds; each current target
     * assignment as Assignment.fromRecord replays it (a HashMap of topic
     * id to HashSet of partitions, collected in record order); the
     * subscription type as ModernGroup computes it.
     */
    static Prepared prepareServer(Group g) {
        Map<String, Uuid> byName = new HashMap<>(g.ids);
        Map<Uuid, String> byId = new HashMap<>();
        g.ids.forEach((n, id) -> byId.put(id, n));
        TopicIds.TopicResolver resolver = new TopicIds.TopicResolver() {
            @Override
            public CoordinatorMetadataImage image() {
                return null;
            }

            @Override
            public String name(Uuid id) {
                return byId.get(id);
            }

            @Override
            public Uuid id(String name) {
                return byName.get(name);
            }

            @Override
            public void clear() {
            }
        };
        SubscribedTopicDescriber describer = new SubscribedTopicDescriber() {
            @Override
            public int numPartitions(Uuid topicId) {
                String n = byId.get(topicId);
                return n == null ? -1 : g.partitions.get(n);
            }

            @Override
            public Set<String> racksForPartition(Uuid topicId, int partition) {
                String n = byId.get(topicId);
                List<List<String>> rs = n == null ? null : g.racks.get(n);
                if (rs == null || partition >= rs.size()) {
                    return Set.of();
                }
                return new HashSet<>(rs.get(partition));
            }
        };
        Map<String, MemberSubscriptionAndAssignmentImpl> specs = g.membersInOrder ? new LinkedHashMap<>() : new HashMap<>();
        Map<String, Integer> subscriberCount = new HashMap<>();
        Map<Uuid, Map<Integer, String>> inverted = new HashMap<>();
        for (Member m : g.members) {
            // NB: production's two-argument Collectors.toMap puts entries
            // (a colliding key goes to the end of its bucket); the forms
            // with a map supplier merge them, and HashMap.merge puts a
            // colliding key first, which would change the order.
            Map<Uuid, Set<Integer>> owned = g.ownedInOrder
                ? m.owned.entrySet().stream()
                    .filter(e -> byName.containsKey(e.getKey()) && !e.getValue().isEmpty())
                    .collect(Collectors.toMap(e -> byName.get(e.getKey()), e -> new HashSet<>(e.getValue()),
                        (x, y) -> x, LinkedHashMap::new))
                : m.owned.entrySet().stream()
                    .filter(e -> byName.containsKey(e.getKey()) && !e.getValue().isEmpty())
                    .collect(Collectors.toMap(e -> byName.get(e.getKey()), e -> new HashSet<>(e.getValue())));
            owned.forEach((id, ps) -> ps.forEach(p -> inverted.computeIfAbsent(id, k -> new HashMap<>()).put(p, m.id)));
            for (String t : m.topics) {
                subscriberCount.merge(t, 1, Integer::sum);
            }
            specs.put(m.id, new MemberSubscriptionAndAssignmentImpl(
                Optional.ofNullable(m.rack),
                Optional.ofNullable(m.instance),
                new TopicIds(new HashSet<>(m.topics), resolver),
                new org.apache.kafka.coordinator.group.modern.Assignment(owned)));
        }
        SubscriptionType type = SubscriptionType.HOMOGENEOUS;
        for (int c : subscriberCount.values()) {
            if (c != g.members.size()) {
                type = SubscriptionType.HETEROGENEOUS;
            }
        }
        if (g.subscriptionType != null) {
            type = SubscriptionType.valueOf(g.subscriptionType);
        }
        GroupSpecImpl spec = new GroupSpecImpl(Collections.unmodifiableMap(specs), type, inverted);
        return a -> {
            GroupAssignment result = ((ConsumerGroupPartitionAssignor) a).assign(spec, describer);
            Map<String, Map<String, List<Integer>>> out = new HashMap<>();
            for (Map.Entry<String, MemberAssignment> e : result.members().entrySet()) {
                Map<String, List<Integer>> byTopic = new TreeMap<>();
                e.getValue().partitions().forEach((id, ps) -> {
                    if (!ps.isEmpty()) {
                        List<Integer> l = new ArrayList<>(ps);
                        byTopic.put(byId.getOrDefault(id, id.toString()), l);
                    }
                });
                out.put(e.getKey(), byTopic);
            }
            return out;
        };
    }

    static void writePlan(StringBuilder b, Group g, Map<String, Map<String, List<Integer>>> plan) {
        b.append("{\"plan\": [");
        for (int k = 0; k < g.members.size(); k++) {
            Member m = g.members.get(k);
            if (k > 0) {
                b.append(", ");
            }
            b.append("{\"id\": ");
            Json.quote(b, m.id);
            b.append(", \"topics\": [");
            Map<String, List<Integer>> byTopic = plan.getOrDefault(m.id, Map.of());
            boolean first = true;
            for (Map.Entry<String, List<Integer>> e : new TreeMap<>(byTopic).entrySet()) {
                if (e.getValue().isEmpty()) {
                    continue;
                }
                List<Integer> ps = new ArrayList<>(e.getValue());
                Collections.sort(ps);
                b.append(first ? "" : ", ").append("{\"topic\": ");
                Json.quote(b, e.getKey());
                b.append(", \"partitions\": ").append(ps.toString()).append('}');
                first = false;
            }
            b.append("]}");
        }
        b.append("]}");
        Set<String> extra = new HashSet<>(plan.keySet());
        g.members.forEach(m -> extra.remove(m.id));
        if (!extra.isEmpty()) {
            throw new IllegalStateException("plan names members that are not in the group: " + extra);
        }
    }
}
