package rebalancesim.validate;

import org.apache.kafka.common.Uuid;

/**
 * The broker's JVM: formats a fresh KRaft data directory (what
 * `kafka-storage.sh format --standalone` does: this node is the single
 * controller voter) and then runs kafka.Kafka on the same properties. One
 * JVM for both saves the formatter's start-up (seconds) on every run.
 */
public final class BrokerMain {
    private BrokerMain() { }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: BrokerMain server.properties");
            System.exit(2);
        }
        String[] format = {"format", "-t", Uuid.randomUuid().toString(), "-c", args[0], "--standalone"};
        int rc = kafka.tools.StorageTool.execute(format, System.err);
        if (rc != 0) {
            System.err.println("storage format failed: " + rc);
            System.exit(1);
        }
        kafka.Kafka.main(new String[] {args[0]});
    }
}
