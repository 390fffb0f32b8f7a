package rebalancesim.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * Runs one resolved run of an experiment on a real Kafka broker:
 * {@code Harness RUN.json OUTDIR}.
 *
 * <p>RUN.json is what the Go side wrote (`simulate validate`): topics,
 * producers with their rate steps, groups with their consumer properties,
 * and a timeline of per-consumer actions (start, kill, leave, pause, slow)
 * in milliseconds after t = 0. Nothing here reads TOML or decides what an
 * event means: the Go side resolved that.
 *
 * <p>It starts one KRaft broker (combined broker and controller on
 * 127.0.0.1, a fresh data directory), creates the topics, starts every
 * consumer JVM ahead of its time and releases it at its time, runs the
 * producers from t = 0, samples log-end and committed offsets and the
 * groups' descriptions every sample interval, and at the end kills
 * everything. OUTDIR then holds harness.jsonl (t0, actions, samples,
 * producer checkpoints), consumers/*.jsonl (one log per process),
 * broker.log (the group coordinator at INFO, GroupMetadataManager at DEBUG)
 * and the consumers' stderr; the Go side turns them into results.
 */
public final class Harness {
    /** The consumers' warm-up topic (see ConsumerMain.warmUp); the
     *  experiment's topic names never start with "rebalance-sim-". */
    static final String WARMUP_TOPIC = "rebalance-sim-warmup";
    private final JsonNode run;
    private final Path out;
    private final LogFile log;
    private final List<Child> children = new ArrayList<>();
    private final Map<String, Child> current = new ConcurrentHashMap<>();
    private final Map<String, Integer> incarnations = new HashMap<>();
    private final String java;
    private final String classpath;
    private Process broker;
    private Path dataDir;
    private String bootstrap;
    private Admin admin;
    private long t0Micros;

    private Harness(JsonNode run, Path out) throws IOException {
        this.run = run;
        this.out = out;
        Files.createDirectories(out.resolve("consumers"));
        this.log = LogFile.buffered(out.resolve("harness.jsonl"));
        this.java = ProcessHandle.current().info().command().orElse("java");
        this.classpath = System.getProperty("java.class.path");
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Harness RUN.json OUTDIR");
            System.exit(2);
        }
        JsonNode run = new ObjectMapper().readTree(new File(args[0]));
        Harness h = new Harness(run, Path.of(args[1]));
        int rc = 0;
        try {
            h.execute();
        } catch (Exception e) {
            System.err.println("harness: " + e);
            e.printStackTrace();
            h.log.write(Line.at("failed").put("error", e.toString()));
            rc = 1;
        } finally {
            h.shutdown();
        }
        System.exit(rc);
    }

    private long ms(String k) {
        return run.get(k).asLong();
    }

    private void execute() throws Exception {
        startBroker();
        // Consumers due within the lead time start now, while the broker
        // boots: JVM start-up is the slow part, and it overlaps.
        long lead = ms("lead_ms");
        List<JsonNode> actions = new ArrayList<>();
        run.get("actions").forEach(actions::add);
        actions.sort(Comparator.comparingLong(a -> a.get("at_ms").asLong()));
        List<Child> initial = new ArrayList<>();
        List<JsonNode> later = new ArrayList<>();
        for (JsonNode a : actions) {
            if (a.get("op").asText().equals("start") && a.get("at_ms").asLong() <= lead) {
                initial.add(spawn(a));
            } else {
                later.add(a);
            }
        }
        waitForBroker();
        createTopics();
        for (Child c : initial) {
            c.awaitReady(120_000);
        }
        // t = 0 a moment from now: every initial consumer is warm.
        t0Micros = (Line.nowMicros() / 1000 + 500) * 1000;
        log.write(Line.at("t0").put("t0", t0Micros).put("bootstrap", bootstrap));
        for (Child c : initial) {
            long at = t0Micros + c.atMs * 1000;
            c.release(at);
            if (c.inc == 1) {
                current.put(c.key, c); // NB: nothing acts on a slot before its first start
            } else {
                // A replacement due within the lead time: the process it
                // replaces stays current (for its kill or leave) until then.
                Thread t = new Thread(() -> c.becomeCurrent(at), "current-" + c.key);
                t.setDaemon(true);
                t.start();
            }
        }
        List<Thread> producers = Producers.start(run, bootstrap, t0Micros, log);
        Sampler sampler = new Sampler(run, admin, t0Micros, log);
        Thread st = new Thread(sampler, "sampler");
        st.setDaemon(true);
        st.start();
        schedule(later, lead);
        long end = t0Micros + ms("duration_ms") * 1000;
        sleepUntil(end);
        st.join(30_000);
        for (Thread p : producers) {
            p.interrupt();
        }
        for (Thread p : producers) {
            p.join(10_000);
        }
        log.write(Line.at("end"));
    }

    // ---- the broker ----

    private void startBroker() throws IOException {
        dataDir = Files.createTempDirectory("rebalance-sim-kraft-");
        int port = freePort();
        int cport = freePort();
        while (cport == port) {
            cport = freePort();
        }
        bootstrap = "127.0.0.1:" + port;
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + cport);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + cport);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("log.dirs", dataDir.resolve("data").toString());
        p.setProperty("offsets.topic.replication.factor", "1");
        // One offsets partition: the group coordinator is ready as soon as
        // it is loaded, and every group lives on the one broker anyway.
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        Iterator<Map.Entry<String, JsonNode>> it = run.get("broker").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            p.setProperty(e.getKey(), e.getValue().asText());
        }
        Path props = out.resolve("server.properties");
        try (OutputStream o = Files.newOutputStream(props)) {
            p.store(o, "generated by rebalance-sim validate");
        }
        List<String> cmd = new ArrayList<>(List.of(java, "-Xms256m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xshare:auto", "-XX:-UsePerfData",
                // The coordinator's decisions are what rebalances.csv is made of.
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.coordinator.group=info",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.coordinator.group.GroupMetadataManager=debug",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ",
                "-Dorg.slf4j.simpleLogger.showThreadName=false",
                "-cp", classpath, "rebalancesim.validate.BrokerMain", props.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(out.resolve("broker.log").toFile());
        broker = pb.start();
        log.write(Line.at("broker_start").put("pid", broker.pid()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private void waitForBroker() throws Exception {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        admin = Admin.create(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            if (!broker.isAlive()) {
                throw new IllegalStateException("the broker exited with " + broker.exitValue() + "; see broker.log");
            }
            try {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                break;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker did not start within 120 s; see broker.log");
                }
                Thread.sleep(200);
            }
        }
        log.write(Line.at("broker_ready"));
    }

    private void createTopics() throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        List<String> names = new ArrayList<>(List.of(WARMUP_TOPIC));
        for (JsonNode t : run.get("topics")) {
            topics.add(new NewTopic(t.get("name").asText(), t.get("partitions").asInt(), (short) 1));
            names.add(t.get("name").asText());
        }
        topics.add(new NewTopic(WARMUP_TOPIC, 1, (short) 1));
        admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        // Wait until every partition has its leader, and until the group
        // coordinator is up (the first FindCoordinator creates
        // __consumer_offsets): neither belongs in the measured run.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                Map<String, TopicDescription> d = new TreeMap<>(admin.describeTopics(names).allTopicNames().get(5, TimeUnit.SECONDS));
                boolean ok = d.values().stream().allMatch(td -> td.partitions().stream().allMatch(pi -> pi.leader() != null));
                d.remove(WARMUP_TOPIC);
                StringBuilder ids = new StringBuilder("{");
                for (TopicDescription td : d.values()) {
                    if (ids.length() > 1) {
                        ids.append(',');
                    }
                    Line.quote(ids, td.name());
                    ids.append(':');
                    Line.quote(ids, td.topicId().toString());
                }
                if (ok) {
                    admin.listConsumerGroupOffsets("rebalance-sim-warmup").partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
                    log.write(Line.at("topics_ready").raw("topic_ids", ids.append('}').toString()));
                    return;
                }
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics or the group coordinator not ready within 60 s: " + e);
                }
            }
            Thread.sleep(200);
        }
    }

    // ---- consumers ----

    /** One consumer JVM. */
    private final class Child {
        final String key; // group/slot
        final String group;
        final int slot;
        final int inc;
        final long atMs;
        final Process proc;
        final OutputStream stdin;
        private final BufferedReader stdout;
        private volatile boolean ready;

        Child(JsonNode action, Process proc, int inc) {
            this.group = action.get("group").asText();
            this.slot = action.get("slot").asInt();
            this.key = group + "/" + slot;
            this.inc = inc;
            this.atMs = action.get("at_ms").asLong();
            this.proc = proc;
            this.stdin = proc.getOutputStream();
            this.stdout = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8));
        }

        void awaitReady(long timeoutMs) throws Exception {
            if (ready) {
                return;
            }
            // NB: the child prints one line, "ready"; a read with a
            // deadline would need another thread, and the child exits if
            // anything goes wrong, which ends the read too.
            String l = stdout.readLine();
            if (!"ready".equals(l)) {
                throw new IllegalStateException("consumer " + key + " did not start (" + l + "); see consumers/" + fileBase() + ".err");
            }
            ready = true;
        }

        /** Tells the process its start time now (it sleeps until then, so it
         *  starts on time) and makes it the slot's current process at that
         *  time: until then, actions on the slot (the kill or leave of a
         *  restart) are for the process it replaces. */
        void release(long atMicros) throws IOException {
            send("start " + atMicros);
            log.write(Line.at("release").put("group", group).put("slot", slot).put("inc", inc).put("at", atMicros)
                    .put("pid", proc.pid()));
        }

        void becomeCurrent(long atMicros) {
            sleepUntil(atMicros);
            current.put(key, this);
        }

        synchronized void send(String line) throws IOException {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        String fileBase() {
            return group + "-" + slot + "-" + inc;
        }
    }

    private Child spawn(JsonNode action) throws IOException {
        String group = action.get("group").asText();
        int slot = action.get("slot").asInt();
        int inc = incarnations.merge(group + "/" + slot, 1, Integer::sum);
        JsonNode g = null;
        for (JsonNode x : run.get("groups")) {
            if (x.get("name").asText().equals(group)) {
                g = x;
            }
        }
        if (g == null) {
            throw new IllegalArgumentException("action for unknown group " + group);
        }
        ObjectMapper om = new ObjectMapper();
        ObjectNode cfg = om.createObjectNode();
        String base = group + "-" + slot + "-" + inc;
        cfg.put("group", group);
        cfg.put("slot", slot);
        cfg.put("inc", inc);
        cfg.set("topics", g.get("topics"));
        cfg.put("warmup_topic", WARMUP_TOPIC);
        cfg.put("commit", g.get("commit").asText());
        cfg.put("revoke_time_ms", g.get("revoke_time_ms").asLong());
        cfg.set("processing", g.get("processing"));
        cfg.put("seed", run.get("seed").asLong() * 1_000_003L + slot * 7919L + inc * 104_729L + group.hashCode());
        cfg.put("log", out.resolve("consumers").resolve(base + ".jsonl").toString());
        ObjectNode props = cfg.putObject("props");
        Iterator<Map.Entry<String, JsonNode>> it = g.get("props").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            props.put(e.getKey(), e.getValue().asText());
        }
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", group);
        // Kafka's default client.id in a process with one consumer.
        props.put("client.id", "consumer-" + group + "-1");
        if (g.get("static").asBoolean()) {
            props.put("group.instance.id", group + "-" + slot);
        }
        Path cfgFile = out.resolve("consumers").resolve(base + ".json");
        om.writerWithDefaultPrettyPrinter().writeValue(cfgFile.toFile(), cfg);
        List<String> cmd = new ArrayList<>(List.of(java, "-Xss512k", "-Xms16m", "-Xmx64m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-Xshare:auto", "-XX:-UsePerfData",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ",
                "-cp", classpath, "rebalancesim.validate.ConsumerMain", cfgFile.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectError(out.resolve("consumers").resolve(base + ".err").toFile());
        Process proc = pb.start();
        Child c = new Child(action, proc, inc);
        synchronized (children) {
            children.add(c);
        }
        log.write(Line.at("spawn").put("group", group).put("slot", slot).put("inc", inc).put("pid", proc.pid()));
        return c;
    }

    /** Runs the later actions at their times; starts go out lead early. */
    private void schedule(List<JsonNode> actions, long lead) {
        record Task(long atMicros, Runnable r) { }
        List<Task> tasks = new ArrayList<>();
        for (JsonNode a : actions) {
            long at = t0Micros + a.get("at_ms").asLong() * 1000;
            String op = a.get("op").asText();
            String key = a.get("group").asText() + "/" + a.get("slot").asInt();
            switch (op) {
                case "start" -> tasks.add(new Task(Math.max(t0Micros, at - lead * 1000), () -> {
                    try {
                        Child c = spawn(a);
                        Thread t = new Thread(() -> {
                            try {
                                c.awaitReady(120_000);
                                c.release(at);
                                c.becomeCurrent(at);
                            } catch (Exception e) {
                                log.write(Line.at("error").put("msg", "start " + key + ": " + e));
                            }
                        }, "release-" + key);
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        log.write(Line.at("error").put("msg", "spawn " + key + ": " + e));
                    }
                }));
                case "kill" -> tasks.add(new Task(at, () -> {
                    Child c = current.remove(key);
                    if (c != null) {
                        // SIGKILL: no LeaveGroup, no commit, no callback.
                        c.proc.destroyForcibly();
                        log.write(Line.at("kill").put("group", c.group).put("slot", c.slot).put("inc", c.inc));
                    }
                }));
                case "leave" -> tasks.add(new Task(at, () -> command(key, "leave", true)));
                case "pause" -> tasks.add(new Task(at, () -> command(key, "pause " + a.get("ms").asLong(), false)));
                case "slow" -> tasks.add(new Task(at, () -> command(key, "slow " + a.get("factor").asDouble() + " " + a.get("ms").asLong(), false)));
                default -> throw new IllegalArgumentException("unknown action " + op);
            }
        }
        tasks.sort(Comparator.comparingLong(Task::atMicros));
        Thread t = new Thread(() -> {
            for (Task task : tasks) {
                sleepUntil(task.atMicros);
                task.r.run();
            }
        }, "scheduler");
        t.setDaemon(true);
        t.start();
    }

    private void command(String key, String line, boolean last) {
        Child c = last ? current.remove(key) : current.get(key);
        if (c == null) {
            log.write(Line.at("error").put("msg", "no running consumer for " + key + " (" + line + ")"));
            return;
        }
        try {
            c.send(line);
            log.write(Line.at("command").put("group", c.group).put("slot", c.slot).put("inc", c.inc).put("line", line));
        } catch (IOException e) {
            log.write(Line.at("error").put("msg", key + ": " + e));
        }
    }

    static void sleepUntil(long micros) {
        while (true) {
            long d = micros - Line.nowMicros();
            if (d <= 0) {
                return;
            }
            LockSupport.parkNanos(Math.min(d, 200_000) * 1000);
        }
    }

    private void shutdown() {
        List<Child> all;
        synchronized (children) {
            all = new ArrayList<>(children);
        }
        for (Child c : all) {
            c.proc.destroyForcibly();
        }
        for (Child c : all) {
            try {
                c.proc.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
        if (broker != null) {
            broker.destroy();
            try {
                if (!broker.waitFor(15, TimeUnit.SECONDS)) {
                    broker.destroyForcibly();
                    broker.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            log.close();
        } catch (IOException e) {
            System.err.println("harness: " + e);
        }
        if (dataDir != null) {
            try (Stream<Path> s = Files.walk(dataDir)) {
                s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
            } catch (IOException e) {
                System.err.println("harness: cannot remove " + dataDir + ": " + e);
            }
        }
    }

    static Map<String, String> strings(JsonNode n) {
        Map<String, String> m = new LinkedHashMap<>();
        if (n != null) {
            n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        }
        return m;
    }
}
