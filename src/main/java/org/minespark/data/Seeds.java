package org.minespark.data;

/** Derives independent 64-bit seeds and uniform numbers from a run seed and indices. */
public final class Seeds {

    private Seeds() {
    }

    /** SplitMix64 finaliser: a bijective scramble of 64 bits. */
    public static long scramble(long value) {
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A seed for the stream identified by (seed, a, b). */
    public static long mix(long seed, long a, long b) {
        return scramble(scramble(scramble(seed) ^ a) ^ (b * 0x632BE59BD9B4E019L));
    }

    /** A uniform number in [0, 1) identified by (seed, a, b). */
    public static double uniform(long seed, long a, long b) {
        return (mix(seed, a, b) >>> 11) * 0x1.0p-53;
    }
}
