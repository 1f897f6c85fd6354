package org.minespark.estimate;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Raw sums of one shard's (or several merged shards') critic outputs, from which the driver
 * computes the round's bound and gradient (Belghazi et al., MINE, ICML 2018).
 *
 * <p>Joint side (rows drawn from P): the count nP, sum of T, sum of T^2 and sum of grad T.
 * Marginal side (rows drawn from Q): the count nQ, the maximum m of T, and the shifted sums
 * s = sum exp(T - m), sum exp(T - m)^2 and sum exp(T - m) grad T. Nothing is ever
 * exponentiated without the shift, so T in the hundreds does not overflow.
 *
 * <p>Merging is associative and commutative and an empty instance is its identity: with
 * m = max(m_a, m_b), each shifted sum of side a is scaled by exp(m_a - m) before adding
 * (log-sum-exp merging). Gradient arrays have length {@code paramCount}, zero when only the
 * values are wanted. When shard tracking is on, each shard also records its own bound and
 * gradient (the {@code local} denominator) once it is closed.
 *
 * <p>Instances are mutable and not thread-safe: {@code add*} and {@link #merge} fold into
 * {@code this}. Normalised quantities come from getters that refuse an empty count.
 */
public final class PartialSums implements Serializable {

    private static final long serialVersionUID = 1L;

    private long jointCount;
    private double jointSum;
    private double jointSquareSum;
    private final double[] jointGradientSum;

    private long marginalCount;
    private double marginalMax = Double.NEGATIVE_INFINITY;
    private double shiftedExpSum;
    private double shiftedExpSquareSum;
    private final double[] shiftedExpGradientSum;

    private final boolean trackShards;
    private long shardCount;
    private double shardBoundSum;
    private final double[] shardGradientSum;

    /**
     * An empty instance.
     *
     * @param paramCount  length of the gradient sums; 0 to collect values only
     * @param trackShards whether closed shards record their own bound and gradient
     */
    public PartialSums(int paramCount, boolean trackShards) {
        if (paramCount < 0) {
            throw new IllegalArgumentException("paramCount must be >= 0, got " + paramCount);
        }
        this.jointGradientSum = new double[paramCount];
        this.shiftedExpGradientSum = new double[paramCount];
        this.trackShards = trackShards;
        this.shardGradientSum = new double[trackShards ? paramCount : 0];
    }

    /** Adds joint rows: their critic outputs and the sum of their parameter gradients. */
    public PartialSums addJoint(float[] values, int count, float[] gradientOfSum) {
        for (int i = 0; i < count; i++) {
            double t = values[i];
            jointSum += t;
            jointSquareSum += t * t;
        }
        jointCount += count;
        addInto(jointGradientSum, gradientOfSum, 1.0);
        return this;
    }

    /**
     * Adds marginal rows evaluated with shift {@code shift}: their critic outputs and
     * {@code weightedGradient} = sum exp(T - shift) grad T. The shift must be at least the
     * largest value so that no weight exceeds one.
     */
    public PartialSums addMarginal(float[] values, int count, double shift,
                                   float[] weightedGradient) {
        if (count == 0) {
            return this;
        }
        double sum = 0;
        double squareSum = 0;
        for (int i = 0; i < count; i++) {
            double w = Math.exp(values[i] - shift);
            sum += w;
            squareSum += w * w;
        }
        double newShift = Math.max(marginalMax, shift);
        double scaleThis = rescaleMarginalTo(newShift);
        double scaleNew = Math.exp(shift - newShift);
        scaleInto(shiftedExpGradientSum, scaleThis);
        shiftedExpSum = shiftedExpSum * scaleThis + sum * scaleNew;
        shiftedExpSquareSum = shiftedExpSquareSum * scaleThis * scaleThis
                + squareSum * scaleNew * scaleNew;
        addInto(shiftedExpGradientSum, weightedGradient, scaleNew);
        marginalCount += count;
        return this;
    }

    /**
     * Records this instance, holding one shard's sums only, as a closed shard: its own bound
     * and gradient under {@code objective} with the shard's exact denominator. Does nothing
     * for an empty shard or when shard tracking is off.
     */
    public PartialSums closeShard(Objective objective) {
        if (!trackShards || jointCount == 0 || marginalCount == 0) {
            return this;
        }
        if (shardCount != 0) {
            throw new IllegalStateException("closeShard on sums that already hold a shard");
        }
        shardBoundSum = objective.bound(this);
        double[] gradient = objective.gradient(this, objective.exactLogDenominator(this));
        System.arraycopy(gradient, 0, shardGradientSum, 0, gradient.length);
        shardCount = 1;
        return this;
    }

    /** A copy with the joint side and the closed shards left out. */
    public PartialSums marginalOnly() {
        PartialSums copy = new PartialSums(paramCount(), trackShards);
        copy.marginalCount = marginalCount;
        copy.marginalMax = marginalMax;
        copy.shiftedExpSum = shiftedExpSum;
        copy.shiftedExpSquareSum = shiftedExpSquareSum;
        System.arraycopy(shiftedExpGradientSum, 0, copy.shiftedExpGradientSum, 0,
                shiftedExpGradientSum.length);
        return copy;
    }

    /** Folds {@code other} into this instance (log-sum-exp merging on the marginal side). */
    public PartialSums merge(PartialSums other) {
        if (other.jointGradientSum.length != jointGradientSum.length
                || other.trackShards != trackShards) {
            throw new IllegalArgumentException("cannot merge sums of different shapes: "
                    + jointGradientSum.length + " vs " + other.jointGradientSum.length
                    + " parameters");
        }
        jointCount += other.jointCount;
        jointSum += other.jointSum;
        jointSquareSum += other.jointSquareSum;
        addInto(jointGradientSum, other.jointGradientSum, 1.0);

        if (other.marginalCount > 0) {
            double shift = Math.max(marginalMax, other.marginalMax);
            double scaleThis = rescaleMarginalTo(shift);
            double scaleOther = Math.exp(other.marginalMax - shift);
            scaleInto(shiftedExpGradientSum, scaleThis);
            shiftedExpSum = shiftedExpSum * scaleThis + other.shiftedExpSum * scaleOther;
            shiftedExpSquareSum = shiftedExpSquareSum * scaleThis * scaleThis
                    + other.shiftedExpSquareSum * scaleOther * scaleOther;
            addInto(shiftedExpGradientSum, other.shiftedExpGradientSum, scaleOther);
            marginalCount += other.marginalCount;
        }

        shardCount += other.shardCount;
        shardBoundSum += other.shardBoundSum;
        addInto(shardGradientSum, other.shardGradientSum, 1.0);
        return this;
    }

    /** Moves the marginal shift up to {@code shift}; returns the factor applied to old sums. */
    private double rescaleMarginalTo(double shift) {
        if (marginalCount == 0) {
            marginalMax = shift;
            return 0.0;
        }
        double factor = Math.exp(marginalMax - shift);
        marginalMax = shift;
        return factor;
    }

    private static void addInto(double[] target, double[] source, double scale) {
        for (int i = 0; i < target.length; i++) {
            target[i] += scale * source[i];
        }
    }

    private static void addInto(double[] target, float[] source, double scale) {
        if (target.length == 0) {
            return;
        }
        if (source.length != target.length) {
            throw new IllegalArgumentException("gradient of length " + source.length
                    + " added to sums of " + target.length + " parameters");
        }
        for (int i = 0; i < target.length; i++) {
            target[i] += scale * source[i];
        }
    }

    private static void scaleInto(double[] target, double scale) {
        if (scale == 1.0) {
            return;
        }
        for (int i = 0; i < target.length; i++) {
            target[i] *= scale;
        }
    }

    public int paramCount() {
        return jointGradientSum.length;
    }

    public long jointCount() {
        return jointCount;
    }

    public long marginalCount() {
        return marginalCount;
    }

    public long shardCount() {
        return shardCount;
    }

    /** Mean of T over the joint rows. */
    public double jointMean() {
        requireJoint();
        return jointSum / jointCount;
    }

    /** Unbiased variance of T over the joint rows (0 for a single row). */
    public double jointVariance() {
        requireJoint();
        if (jointCount < 2) {
            return 0.0;
        }
        double mean = jointSum / jointCount;
        double variance = (jointSquareSum - jointCount * mean * mean) / (jointCount - 1);
        return Math.max(variance, 0.0);
    }

    /** log of the mean of exp(T) over the marginal rows: m + log s - log nQ. */
    public double logMeanExp() {
        requireMarginal();
        return marginalMax + Math.log(shiftedExpSum) - Math.log(marginalCount);
    }

    /**
     * Squared coefficient of variation of exp(T) over the marginal rows, Var[e^T] / E[e^T]^2,
     * with the unbiased variance; the shift cancels.
     */
    public double marginalRelativeVariance() {
        requireMarginal();
        if (marginalCount < 2) {
            return 0.0;
        }
        double mean = shiftedExpSum / marginalCount;
        double variance = (shiftedExpSquareSum - marginalCount * mean * mean) / (marginalCount - 1);
        return Math.max(variance, 0.0) / (mean * mean);
    }

    /** The largest marginal T seen, the shift of the marginal sums. */
    public double marginalMax() {
        requireMarginal();
        return marginalMax;
    }

    public double shiftedExpSum() {
        requireMarginal();
        return shiftedExpSum;
    }

    /** Sum of grad T over the joint rows; a copy. */
    public double[] jointGradientSum() {
        return jointGradientSum.clone();
    }

    /** Sum of exp(T - m) grad T over the marginal rows; a copy. */
    public double[] shiftedExpGradientSum() {
        return shiftedExpGradientSum.clone();
    }

    /** Mean over closed shards of their own bounds. */
    public double shardBoundMean() {
        requireShards();
        return shardBoundSum / shardCount;
    }

    /** Mean over closed shards of their own gradients. */
    public double[] shardGradientMean() {
        requireShards();
        double[] mean = shardGradientSum.clone();
        for (int i = 0; i < mean.length; i++) {
            mean[i] /= shardCount;
        }
        return mean;
    }

    /** Whether every value and sum is finite (an empty side counts as finite). */
    public boolean isFinite() {
        boolean finite = Double.isFinite(jointSum) && Double.isFinite(jointSquareSum)
                && Double.isFinite(shiftedExpSum) && Double.isFinite(shiftedExpSquareSum)
                && Double.isFinite(shardBoundSum)
                && (marginalCount == 0 || Double.isFinite(marginalMax));
        return finite && allFinite(jointGradientSum) && allFinite(shiftedExpGradientSum)
                && allFinite(shardGradientSum);
    }

    private static boolean allFinite(double[] values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private void requireJoint() {
        if (jointCount == 0) {
            throw new IllegalStateException("no joint rows were summed");
        }
    }

    private void requireMarginal() {
        if (marginalCount == 0) {
            throw new IllegalStateException("no marginal rows were summed");
        }
    }

    private void requireShards() {
        if (shardCount == 0) {
            throw new IllegalStateException("no shard was closed; is shard tracking on?");
        }
    }

    @Override
    public String toString() {
        return "PartialSums{jointCount=" + jointCount + ", jointSum=" + jointSum
                + ", marginalCount=" + marginalCount + ", marginalMax=" + marginalMax
                + ", shiftedExpSum=" + shiftedExpSum + ", shards=" + shardCount
                + ", params=" + jointGradientSum.length + "}";
    }

    /** Exact equality of every field; for tests of the merge rule. */
    public boolean sameAs(PartialSums o) {
        return jointCount == o.jointCount && jointSum == o.jointSum
                && jointSquareSum == o.jointSquareSum && marginalCount == o.marginalCount
                && Double.compare(marginalMax, o.marginalMax) == 0
                && shiftedExpSum == o.shiftedExpSum
                && shiftedExpSquareSum == o.shiftedExpSquareSum
                && Arrays.equals(jointGradientSum, o.jointGradientSum)
                && Arrays.equals(shiftedExpGradientSum, o.shiftedExpGradientSum);
    }
}
