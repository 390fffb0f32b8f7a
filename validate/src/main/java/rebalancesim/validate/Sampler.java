package rebalancesim.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What `kafka-consumer-groups.sh --describe` would show, every sample
 * interval from t = 0 to the end: each partition's log-end offset, each
 * group's committed offsets, and each group's state and members with their
 * assignments as the coordinator holds them. Lag (log end minus committed)
 * and the member count of timeseries.csv come from here.
 */
final class Sampler implements Runnable {
    private final JsonNode run;
    private final Admin admin;
    private final long t0Micros;
    private final LogFile log;

    Sampler(JsonNode run, Admin admin, long t0Micros, LogFile log) {
        this.run = run;
        this.admin = admin;
        this.t0Micros = t0Micros;
        this.log = log;
    }

    @Override
    public void run() {
        long interval = run.get("sample_interval_ms").asLong() * 1000;
        long duration = run.get("duration_ms").asLong() * 1000;
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (JsonNode t : run.get("topics")) {
            for (int p = 0; p < t.get("partitions").asInt(); p++) {
                latest.put(new TopicPartition(t.get("name").asText(), p), OffsetSpec.latest());
            }
        }
        List<String> groups = new ArrayList<>();
        run.get("groups").forEach(g -> groups.add(g.get("name").asText()));
        for (long k = 1; k * interval <= duration; k++) {
            long at = t0Micros + k * interval;
            Harness.sleepUntil(at);
            try {
                sample(k, latest, groups);
            } catch (Exception e) {
                log.write(Line.at("sample_error").put("k", k).put("msg", e.toString()));
            }
        }
    }

    private void sample(long k, Map<TopicPartition, OffsetSpec> latest, List<String> groups) throws Exception {
        long t = Line.nowMicros();
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> leo = admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
        long tLeo = Line.nowMicros();
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new TreeMap<>();
        for (String g : groups) {
            committed.put(g, admin.listConsumerGroupOffsets(g).partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS));
        }
        Map<String, ConsumerGroupDescription> desc = admin.describeConsumerGroups(groups).all().get(5, TimeUnit.SECONDS);
        StringBuilder s = new StringBuilder("{");
        leo.entrySet().stream().sorted(Map.Entry.comparingByKey((a, b) -> Line.name(a).compareTo(Line.name(b)))).forEach(e -> {
            if (s.length() > 1) {
                s.append(',');
            }
            Line.quote(s, Line.name(e.getKey()));
            s.append(':').append(e.getValue().offset());
        });
        s.append('}');
        StringBuilder c = new StringBuilder("{");
        for (Map.Entry<String, Map<TopicPartition, OffsetAndMetadata>> e : committed.entrySet()) {
            if (c.length() > 1) {
                c.append(',');
            }
            Line.quote(c, e.getKey());
            c.append(":{");
            boolean first = true;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> o : e.getValue().entrySet()) {
                if (o.getValue() == null) {
                    continue;
                }
                if (!first) {
                    c.append(',');
                }
                first = false;
                Line.quote(c, Line.name(o.getKey()));
                c.append(':').append(o.getValue().offset());
            }
            c.append('}');
        }
        c.append('}');
        StringBuilder d = new StringBuilder("{");
        for (String g : groups) {
            ConsumerGroupDescription gd = desc.get(g);
            if (gd == null) {
                continue;
            }
            if (d.length() > 1) {
                d.append(',');
            }
            Line.quote(d, g);
            d.append(":{\"state\":");
            Line.quote(d, String.valueOf(gd.groupState()));
            d.append(",\"epoch\":").append(gd.groupEpoch().map(String::valueOf).orElse("null"));
            d.append(",\"target_epoch\":").append(gd.targetAssignmentEpoch().map(String::valueOf).orElse("null"));
            d.append(",\"members\":[");
            boolean first = true;
            for (MemberDescription m : gd.members()) {
                if (!first) {
                    d.append(',');
                }
                first = false;
                d.append("{\"id\":");
                Line.quote(d, m.consumerId());
                d.append(",\"instance\":");
                if (m.groupInstanceId().isPresent()) {
                    Line.quote(d, m.groupInstanceId().get());
                } else {
                    d.append("null");
                }
                d.append(",\"assigned\":");
                tps(d, m.assignment().topicPartitions());
                if (m.targetAssignment().isPresent()) {
                    d.append(",\"target\":");
                    tps(d, m.targetAssignment().get().topicPartitions());
                }
                d.append('}');
            }
            d.append("]}");
        }
        d.append('}');
        log.write(Line.at(t, "sample").put("k", k).put("t_leo", tLeo).raw("leo", s.toString()).raw("committed", c.toString())
                .raw("groups", d.toString()));
    }

    private static void tps(StringBuilder s, java.util.Collection<TopicPartition> tps) {
        List<String> names = new ArrayList<>();
        for (TopicPartition tp : tps) {
            names.add(Line.name(tp));
        }
        names.sort(null);
        s.append('[');
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                s.append(',');
            }
            Line.quote(s, names.get(i));
        }
        s.append(']');
    }
}
