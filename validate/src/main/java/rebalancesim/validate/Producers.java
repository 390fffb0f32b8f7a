package rebalancesim.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The experiment's producers, one thread each, in the harness's JVM. Each
 * follows its rate steps from t = 0 with constant or Poisson arrivals, and
 * stamps every record with its arrival time (CreateTime, milliseconds): the
 * produce time latency is measured from, as in the simulator. Keyless
 * records go round-robin over the partitions (the simulator's even spread);
 * keyed ones carry "key-N" and Kafka's default partitioner (murmur2) picks
 * the partition, as the simulator computes it.
 *
 * <p>Acknowledged records are logged as checkpoints (partition, offset,
 * timestamp) at most every {@link #CHECKPOINT_MS} per partition: the Go side
 * reads produce times of records nobody processed from them.
 */
final class Producers implements Runnable {
    static final long CHECKPOINT_MS = 10;

    private final JsonNode cfg;
    private final String bootstrap;
    private final long t0Micros;
    private final long endMicros;
    private final LogFile log;
    private final long lingerMs;
    private final long seed;

    private Producers(JsonNode cfg, String bootstrap, long t0Micros, long endMicros, LogFile log, long lingerMs, long seed) {
        this.cfg = cfg;
        this.bootstrap = bootstrap;
        this.t0Micros = t0Micros;
        this.endMicros = endMicros;
        this.log = log;
        this.lingerMs = lingerMs;
        this.seed = seed;
    }

    static List<Thread> start(JsonNode run, String bootstrap, long t0Micros, LogFile log) {
        List<Thread> ts = new ArrayList<>();
        long end = t0Micros + run.get("duration_ms").asLong() * 1000;
        int i = 0;
        for (JsonNode p : run.get("producers")) {
            Producers pr = new Producers(p, bootstrap, t0Micros, end, log, run.get("linger_ms").asLong(),
                    run.get("seed").asLong() * 31 + i++);
            Thread t = new Thread(pr, "producer-" + p.get("name").asText());
            t.setDaemon(true);
            t.start();
            ts.add(t);
        }
        return ts;
    }

    @Override
    public void run() {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(lingerMs));
        p.setProperty(ProducerConfig.CLIENT_ID_CONFIG, "producer-" + cfg.get("name").asText());
        String topic = cfg.get("topic").asText();
        int partitions = cfg.get("partitions").asInt();
        boolean poisson = "poisson".equals(cfg.get("arrivals").asText());
        String keys = cfg.get("keys").asText();
        double[] cdf = keyCdf(keys, cfg.get("key_count").asInt(), cfg.get("zipf_s").asDouble());
        long[] stepAt = new long[cfg.get("steps").size()];
        double[] stepRate = new double[stepAt.length];
        for (int i = 0; i < stepAt.length; i++) {
            stepAt[i] = cfg.get("steps").get(i).get("at_ms").asLong() * 1000;
            stepRate[i] = cfg.get("steps").get(i).get("rate").asDouble();
        }
        long[] lastCk = new long[partitions];
        Arrays.fill(lastCk, Long.MIN_VALUE);
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] value = new byte[16];
        long errors = 0;
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> prod = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            prod.partitionsFor(topic); // metadata before t = 0
            double t = 0; // microseconds after t0 of the next arrival
            int step = 0;
            int rr = 0;
            while (true) {
                // The rate in force at t; crossing a step restarts the gap
                // there (exact for Poisson, which is memoryless).
                while (step + 1 < stepAt.length && t >= stepAt[step + 1]) {
                    step++;
                }
                double rate = stepRate[step];
                if (rate <= 0) {
                    if (step + 1 >= stepAt.length) {
                        break;
                    }
                    t = stepAt[step + 1];
                    continue;
                }
                double gap = 1e6 / rate;
                if (poisson) {
                    gap *= -Math.log(1 - rnd.nextDouble());
                }
                double next = t + gap;
                if (step + 1 < stepAt.length && next >= stepAt[step + 1]) {
                    t = stepAt[step + 1];
                    continue;
                }
                t = next;
                long at = t0Micros + (long) t;
                if (at >= endMicros) {
                    break;
                }
                long wait = at - Line.nowMicros();
                if (wait > 500) {
                    LockSupport.parkNanos(wait * 1000);
                    if (Thread.currentThread().isInterrupted()) {
                        break;
                    }
                }
                Integer part = null;
                byte[] key = null;
                if (cdf == null) {
                    part = rr;
                    rr = (rr + 1) % partitions;
                } else {
                    int k = Arrays.binarySearch(cdf, rnd.nextDouble());
                    k = k < 0 ? -k - 1 : k;
                    key = ("key-" + Math.min(k, cdf.length - 1)).getBytes(StandardCharsets.UTF_8);
                }
                long tsMs = (at + 500) / 1000;
                prod.send(new ProducerRecord<>(topic, part, tsMs, key, value), (md, e) -> {
                    if (e != null) {
                        log.write(Line.at("error").put("msg", "produce: " + e));
                        return;
                    }
                    int pi = md.partition();
                    synchronized (lastCk) {
                        if (md.timestamp() - lastCk[pi] >= CHECKPOINT_MS) {
                            lastCk[pi] = md.timestamp();
                            log.write(Line.at("prod").put("tp", topic + "-" + pi).put("off", md.offset()).put("ts", md.timestamp()));
                        }
                    }
                });
                sent++;
            }
            prod.flush();
        } catch (Exception e) {
            errors++;
            log.write(Line.at("error").put("msg", "producer " + cfg.get("name").asText() + ": " + e));
        }
        log.write(Line.at("producer_done").put("producer", cfg.get("name").asText()).put("sent", sent).put("errors", errors));
    }

    /** The cumulative key popularity (null: keyless). */
    private static double[] keyCdf(String keys, int n, double s) {
        if ("none".equals(keys)) {
            return null;
        }
        double[] w = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            w[i] = "zipf".equals(keys) ? Math.pow(i + 1, -s) : 1;
            sum += w[i];
        }
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += w[i] / sum;
            w[i] = acc;
        }
        w[n - 1] = 1;
        return w;
    }
}
