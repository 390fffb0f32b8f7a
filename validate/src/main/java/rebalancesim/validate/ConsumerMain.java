package rebalancesim.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One consumer process of a real run: the application the simulator models.
 *
 * <p>Life: the JVM starts ahead of its scheduled time, warms up (loads the
 * client's classes), prints "ready" and waits for "start MICROS" on stdin;
 * at that wall time it creates its KafkaConsumer, subscribes and runs the
 * poll loop. Each batch is processed record by record for the drawn service
 * times (deadlines are absolute, so a late wake-up is caught up, and the
 * processing rate is the drawn one). Later stdin lines steer it: "leave"
 * (finish the batch, then close()), "pause MS" (the poll loop stalls, the
 * client's heartbeat thread goes on), "slow FACTOR MS". A crash is the
 * harness's SIGKILL: the log is unbuffered, so what was logged stays.
 *
 * <p>It logs every rebalance callback, every processed offset range (with
 * produce timestamps and completion times of its records), every
 * synchronous commit, and its member id and generation when they change.
 */
public final class ConsumerMain {
    /** A processed-range line is written at least this often while a batch
     *  runs, so a SIGKILL loses at most this much processing from the log. */
    private static final long CHUNK_NANOS = 20_000_000L;
    /** Records finishing within this of each other are waited for at once. */
    private static final long WAKE_SLACK_NANOS = 1_000_000L;
    /** The longest warm-up; it ends earlier once the warm-up consumer is
     *  assigned its partition. */
    private static final long WARM_UP_NANOS = 2_000_000_000L;

    private final JsonNode cfg;
    private final LogFile log;
    private final ServiceTime service;
    private final boolean syncCommit;
    private final long revokeNanos;
    private final List<String> topics = new ArrayList<>();
    private final Properties props = new Properties();

    private KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean closing;
    private volatile boolean inPoll;
    private volatile long stallNanos; // a pending stall, applied by the poll thread
    private volatile double slowFactor = 1;
    private volatile long slowUntilNanos;
    private String lastMember = "";
    private int lastGeneration = Integer.MIN_VALUE;

    private ConsumerMain(JsonNode cfg) throws Exception {
        this.cfg = cfg;
        this.log = LogFile.unbuffered(Path.of(cfg.get("log").asText()));
        JsonNode p = cfg.get("processing");
        this.service = new ServiceTime(p.get("dist").asText(), p.get("mean_ns").asDouble(), p.get("cv").asDouble(),
                cfg.get("seed").asLong());
        this.syncCommit = "sync".equals(cfg.get("commit").asText());
        this.revokeNanos = cfg.get("revoke_time_ms").asLong() * 1_000_000L;
        cfg.get("topics").forEach(t -> topics.add(t.asText()));
        Iterator<Map.Entry<String, JsonNode>> it = cfg.get("props").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            props.setProperty(e.getKey(), e.getValue().asText());
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ConsumerMain CONFIG.json");
            System.exit(2);
        }
        ConsumerMain c = new ConsumerMain(new ObjectMapper().readTree(new File(args[0])));
        c.warmUp();
        // NB: built now, subscribed at the release: construction takes
        // hundreds of milliseconds on a busy machine, and no request of the
        // group protocol goes out before subscribe() and poll().
        c.consumer = new KafkaConsumer<>(c.props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        System.out.println("ready");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String first = in.readLine();
        if (first == null || !first.startsWith("start ")) {
            return; // the harness went away before releasing us
        }
        long release = Long.parseLong(first.substring(6).trim());
        c.sleepUntilMicros(release);
        long late = Line.nowMicros() - release;
        c.log.write(Line.at("start").put("group", c.cfg.get("group").asText()).put("slot", c.cfg.get("slot").asLong())
                .put("inc", c.cfg.get("inc").asLong()).put("late_us", late));
        Thread control = new Thread(() -> c.control(in), "control");
        control.setDaemon(true);
        control.start();
        c.run();
        System.exit(0);
    }

    /** Loads and exercises the client before the scheduled start, so that
     *  t = 0 means the same moment here as in the simulator: a cold JVM
     *  takes a second or more from subscribe() to its first JoinGroup,
     *  which the simulator does not have (it models the requests, not the
     *  class loading). The warm-up consumer joins a group of its own on a
     *  topic of its own (never the experiment's) with the same protocol,
     *  polls until it is assigned or a few seconds pass, and closes. */
    private void warmUp() {
        Properties p = new Properties();
        p.putAll(props);
        p.setProperty("group.id", "rebalance-sim-warmup-" + cfg.get("group").asText() + "-" + cfg.get("slot").asText()
                + "-" + cfg.get("inc").asText());
        p.remove("group.instance.id");
        p.setProperty("client.id", "warmup");
        p.setProperty("enable.auto.commit", "false");
        String topic = cfg.get("warmup_topic").asText();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            // The broker may still be starting (consumers start beside it):
            // wait for it and for the warm-up topic the harness creates.
            long up = System.nanoTime() + 180_000_000_000L;
            while (System.nanoTime() < up) {
                try {
                    if (c.listTopics(Duration.ofSeconds(2)).containsKey(topic)) {
                        break;
                    }
                } catch (KafkaException e) {
                    // not up yet
                }
                LockSupport.parkNanos(200_000_000L);
            }
            long end = System.nanoTime() + WARM_UP_NANOS;
            c.subscribe(List.of(topic));
            while (System.nanoTime() < end && c.assignment().isEmpty()) {
                c.poll(Duration.ofMillis(100));
            }
            c.groupMetadata();
            c.close(Duration.ofMillis(500));
        } catch (KafkaException e) {
            // Warming up is an optimisation: the real consumer reports real errors.
            System.err.println("warm-up: " + e);
        }
        for (int i = 0; i < 1000; i++) {
            service.draw();
        }
        Line.at("warm").put("x", 1).tps("y", List.of(new TopicPartition("t", 0))).end();
    }

    private void control(BufferedReader in) {
        try {
            String l;
            while ((l = in.readLine()) != null) {
                String[] f = l.trim().split("\\s+");
                switch (f[0]) {
                    case "leave" -> {
                        closing = true;
                        wakeIfPolling();
                    }
                    case "pause" -> {
                        stallNanos = Long.parseLong(f[1]) * 1_000_000L;
                        wakeIfPolling();
                    }
                    case "slow" -> {
                        slowFactor = Double.parseDouble(f[1]);
                        slowUntilNanos = System.nanoTime() + Long.parseLong(f[2]) * 1_000_000L;
                    }
                    default -> log.write(Line.at("error").put("msg", "unknown control line: " + l));
                }
            }
        } catch (Exception e) {
            log.write(Line.at("error").put("msg", "control: " + e));
        }
    }

    private void wakeIfPolling() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null && inPoll) {
            c.wakeup();
        }
    }

    private void run() {
        consumer.subscribe(topics, new Listener());
        log.write(Line.at("subscribed").raw("topics", topicsJson()));
        while (true) {
            if (closing) {
                close();
                return;
            }
            maybeStall(null);
            ConsumerRecords<byte[], byte[]> recs;
            inPoll = true;
            try {
                if (closing || stallNanos > 0) {
                    continue;
                }
                recs = consumer.poll(Duration.ofSeconds(1));
            } catch (WakeupException e) {
                continue;
            } catch (KafkaException e) {
                log.write(Line.at("error").put("msg", "poll: " + e));
                continue;
            } finally {
                inPoll = false;
            }
            noteMember();
            if (recs.isEmpty()) {
                continue;
            }
            process(recs);
            if (syncCommit) {
                commit();
            }
        }
    }

    /** Processes a batch record by record, partition by partition in the
     *  order poll() returned them, logging offset ranges as they finish. */
    private void process(ConsumerRecords<byte[], byte[]> recs) {
        long deadline = System.nanoTime();
        final long base = deadline;
        long baseMicros = Line.nowMicros();
        for (TopicPartition tp : recs.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> rs = recs.records(tp);
            Chunk ch = new Chunk(tp, rs.size());
            for (ConsumerRecord<byte[], byte[]> r : rs) {
                double f = System.nanoTime() < slowUntilNanos ? slowFactor : 1;
                deadline += (long) (service.draw() * f);
                long now = System.nanoTime();
                while (deadline - now > WAKE_SLACK_NANOS) {
                    long shift = maybeStall(ch.size > 0 ? () -> ch.flush(log) : null);
                    if (shift > 0) {
                        deadline += shift; // the batch resumes where it stopped
                    }
                    now = System.nanoTime();
                    if (deadline - now > WAKE_SLACK_NANOS) {
                        LockSupport.parkNanos(Math.min(deadline - now, CHUNK_NANOS));
                        now = System.nanoTime();
                    }
                    if (ch.size > 0 && now - ch.startNanos >= CHUNK_NANOS) {
                        ch.flush(log);
                    }
                }
                // The record is done at its deadline: a late wake-up delays
                // the log line, not the record (the next deadlines catch up).
                long micros = baseMicros + (deadline - base) / 1000;
                if (ch.size == 0) {
                    ch.startNanos = System.nanoTime();
                }
                ch.add(r.offset(), r.timestamp(), micros);
                if (System.nanoTime() - ch.startNanos >= CHUNK_NANOS) {
                    ch.flush(log);
                }
            }
            ch.flush(log);
        }
        // Wait out the last records' remaining time, if any.
        long now = System.nanoTime();
        if (deadline > now) {
            LockSupport.parkNanos(deadline - now);
        }
    }

    /** Applies a pending stall: the thread sleeps for it, then goes on. It
     *  returns how long it stalled (0: none pending). */
    private long maybeStall(Runnable before) {
        long d = stallNanos;
        if (d <= 0) {
            return 0;
        }
        stallNanos = 0;
        if (before != null) {
            before.run();
        }
        log.write(Line.at("stall").put("ms", d / 1_000_000L));
        long end = System.nanoTime() + d;
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            LockSupport.parkNanos(end - System.nanoTime());
        }
        log.write(Line.at("stall_end"));
        return System.nanoTime() - start;
    }

    private void commit() {
        for (int attempt = 0; attempt < 2; attempt++) {
            Map<String, Long> offsets = positions();
            try {
                consumer.commitSync();
                log.write(Line.at("commit").put("kind", "sync").put("ok", true).offsets("offsets", offsets));
                return;
            } catch (WakeupException e) {
                continue; // a control wake-up raced with us: commit again
            } catch (CommitFailedException | RebalanceInProgressException e) {
                log.write(Line.at("commit").put("kind", "sync").put("ok", false).put("error", e.getClass().getSimpleName()));
                return;
            } catch (KafkaException e) {
                log.write(Line.at("commit").put("kind", "sync").put("ok", false).put("error", e.toString()));
                return;
            }
        }
    }

    private Map<String, Long> positions() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            try {
                m.put(Line.name(tp), consumer.position(tp, Duration.ZERO));
            } catch (KafkaException e) {
                // no position yet
            }
        }
        return m;
    }

    private void close() {
        log.write(Line.at("closing"));
        try {
            consumer.close();
        } catch (KafkaException e) {
            log.write(Line.at("error").put("msg", "close: " + e));
        }
        log.write(Line.at("closed"));
    }

    /** Logs the member id and generation (member epoch under KIP-848) when
     *  they change. */
    private void noteMember() {
        ConsumerGroupMetadata md;
        try {
            md = consumer.groupMetadata();
        } catch (KafkaException e) {
            return;
        }
        if (md.generationId() != lastGeneration || !md.memberId().equals(lastMember)) {
            lastGeneration = md.generationId();
            lastMember = md.memberId();
            log.write(Line.at("member").put("id", lastMember).put("gen", lastGeneration)
                    .put("instance", md.groupInstanceId().orElse(null)));
        }
    }

    private String topicsJson() {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < topics.size(); i++) {
            if (i > 0) {
                s.append(',');
            }
            Line.quote(s, topics.get(i));
        }
        return s.append(']').toString();
    }

    private static void sleepUntilMicros(long micros) {
        while (true) {
            long d = micros - Line.nowMicros();
            if (d <= 0) {
                return;
            }
            LockSupport.parkNanos(d * 1000);
        }
    }

    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> parts) {
            noteMember();
            log.write(Line.at("revoked").tps("tps", parts).put("gen", lastGeneration));
            if (revokeNanos > 0 && !parts.isEmpty()) {
                LockSupport.parkNanos(revokeNanos);
            }
            log.write(Line.at("revoke_done"));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> parts) {
            noteMember();
            Set<TopicPartition> owned = consumer.assignment();
            log.write(Line.at("assigned").tps("tps", parts).tps("owned", owned).put("gen", lastGeneration)
                    .put("member", lastMember));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> parts) {
            // Kafka's default runs onPartitionsRevoked; the application's
            // revocation work runs here too, but nothing is committed.
            noteMember();
            log.write(Line.at("lost").tps("tps", parts).put("gen", lastGeneration));
            if (revokeNanos > 0 && !parts.isEmpty()) {
                LockSupport.parkNanos(revokeNanos);
            }
            log.write(Line.at("revoke_done"));
        }
    }

    /** Consecutive records of one partition processed in one stretch. */
    private static final class Chunk {
        final TopicPartition tp;
        long from = -1;
        long last;
        long startNanos;
        int size;
        long ts0;
        long done0;
        long[] dts;
        long[] ddone;

        Chunk(TopicPartition tp, int cap) {
            this.tp = tp;
            int n = Math.max(1, Math.min(cap, 4096));
            dts = new long[n];
            ddone = new long[n];
        }

        void add(long offset, long tsMillis, long doneMicros) {
            if (size == 0) {
                from = offset;
                ts0 = tsMillis;
                done0 = doneMicros;
            }
            if (size == dts.length) {
                dts = java.util.Arrays.copyOf(dts, size * 2);
                ddone = java.util.Arrays.copyOf(ddone, size * 2);
            }
            dts[size] = tsMillis - ts0;
            ddone[size] = doneMicros - done0;
            last = offset;
            size++;
        }

        /** Writes the range [from, last] with its records' produce times
         *  (milliseconds, as deltas from ts0) and completion times
         *  (microseconds, as deltas from t0), then starts a new range. */
        void flush(LogFile log) {
            if (size == 0) {
                return;
            }
            log.write(Line.at(done0 + ddone[size - 1], "proc").put("tp", Line.name(tp)).put("from", from).put("to", last + 1)
                    .put("n", size).put("ts0", ts0).longs("dts", dts, size).put("t0_done", done0).longs("dt", ddone, size));
            size = 0;
        }
    }
}
