package rebalancesim.validate;

import java.util.SplittableRandom;

/**
 * Per-record processing times, drawn as the simulator defines them:
 * processing_time is the mean, processing_distribution the shape. The
 * simulator draws a whole batch at once (a sum of exponentials is a Gamma);
 * a real consumer processes record by record, so here each record gets its
 * own draw of the same distribution, and the batch's total has the same
 * law.
 */
final class ServiceTime {
    private final String dist;
    private final double meanNanos;
    private final double sigma; // lognormal
    private final double mu;
    private final SplittableRandom rnd;

    ServiceTime(String dist, double meanNanos, double cv, long seed) {
        this.dist = dist;
        this.meanNanos = meanNanos;
        this.rnd = new SplittableRandom(seed);
        double s2 = Math.log(1 + cv * cv);
        this.sigma = Math.sqrt(s2);
        this.mu = Math.log(Math.max(meanNanos, 1e-9)) - s2 / 2;
        switch (dist) {
            case "constant", "exponential", "lognormal" -> { }
            default -> throw new IllegalArgumentException("unknown processing_distribution " + dist);
        }
    }

    /** One record's processing time in nanoseconds. */
    double draw() {
        if (meanNanos <= 0) {
            return 0;
        }
        return switch (dist) {
            case "constant" -> meanNanos;
            case "exponential" -> -meanNanos * Math.log(1 - rnd.nextDouble());
            default -> Math.exp(mu + sigma * gaussian());
        };
    }

    private double gaussian() {
        // Box-Muller: SplittableRandom has no nextGaussian in Java 17.
        double u1 = 1 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
