package rebalancesim.validate;

import java.time.Instant;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * One JSON line of a harness or consumer log: {"t": epoch microseconds,
 * "ev": name, ...}. Built by hand (no JSON library on the hot path of a
 * consumer): keys are our own constants, strings are escaped.
 */
final class Line {
    private final StringBuilder b = new StringBuilder(128);
    private boolean closed;

    /** A line of event ev stamped now. */
    static Line at(String ev) {
        return at(nowMicros(), ev);
    }

    /** A line of event ev stamped t (epoch microseconds). */
    static Line at(long t, String ev) {
        Line l = new Line();
        l.b.append("{\"t\":").append(t).append(",\"ev\":");
        quote(l.b, ev);
        return l;
    }

    /** Wall-clock time in microseconds since the epoch: every process on the
     *  machine reads the same clock, so their logs line up. */
    static long nowMicros() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    Line put(String k, long v) {
        key(k).append(v);
        return this;
    }

    Line put(String k, double v) {
        key(k).append(Double.isFinite(v) ? v : 0);
        return this;
    }

    Line put(String k, boolean v) {
        key(k).append(v);
        return this;
    }

    Line put(String k, String v) {
        if (v == null) {
            key(k).append("null");
        } else {
            quote(key(k), v);
        }
        return this;
    }

    /** Partitions as ["topic-0", "topic-3"], in the order given. */
    Line tps(String k, Collection<TopicPartition> tps) {
        StringBuilder s = key(k).append('[');
        Iterator<TopicPartition> it = tps.iterator();
        while (it.hasNext()) {
            quote(s, name(it.next()));
            if (it.hasNext()) {
                s.append(',');
            }
        }
        s.append(']');
        return this;
    }

    /** Offsets by partition name: {"topic-0": 12}. */
    Line offsets(String k, Map<String, Long> m) {
        StringBuilder s = key(k).append('{');
        boolean first = true;
        for (Map.Entry<String, Long> e : m.entrySet()) {
            if (!first) {
                s.append(',');
            }
            first = false;
            quote(s, e.getKey());
            s.append(':').append(e.getValue());
        }
        s.append('}');
        return this;
    }

    /** A raw JSON value, already well formed. */
    Line raw(String k, String json) {
        key(k).append(json);
        return this;
    }

    /** Integers as a JSON array. */
    Line longs(String k, long[] v, int n) {
        StringBuilder s = key(k).append('[');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(v[i]);
        }
        s.append(']');
        return this;
    }

    String end() {
        if (!closed) {
            b.append("}\n");
            closed = true;
        }
        return b.toString();
    }

    static String name(TopicPartition tp) {
        return tp.topic() + "-" + tp.partition();
    }

    private StringBuilder key(String k) {
        b.append(',');
        quote(b, k);
        return b.append(':');
    }

    static void quote(StringBuilder s, String v) {
        s.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        s.append('"');
    }
}
