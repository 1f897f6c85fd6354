package org.minespark.estimate;

/**
 * Which denominator E_Q[exp T] the round's DV gradient divides by (DESIGN notes, section 3).
 * A minibatch ratio of means is a biased estimate of the ratio of expectations; GLOBAL and
 * EMA are the two cures, LOCAL is the biased reference.
 */
public enum Denominator {
    /** Exact over the whole round's batch, merged over all partitions. */
    GLOBAL,
    /** Exponential moving average over rounds, kept in log space. */
    EMA,
    /** Each partition's own batch denominator; the partitions' gradients are averaged. */
    LOCAL;

    public static Denominator fromSetting(String value) {
        return switch (value) {
            case "global" -> GLOBAL;
            case "ema" -> EMA;
            case "local" -> LOCAL;
            default -> throw new IllegalArgumentException("unknown denominator " + value);
        };
    }

    public String settingName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
