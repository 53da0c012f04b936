package org.rnnservice.engine.train;

/** Seeds derived from a run's seed, so that any epoch can be replayed without replaying the ones before it. */
final class Seeds {

    private Seeds() {
    }

    /** A seed per (run seed, epoch, purpose), well mixed (SplitMix64's finalizer). */
    static long mix(long seed, int epoch, long purpose) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + purpose * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
