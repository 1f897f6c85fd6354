package org.minespark.baseline;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The negated Donsker-Varadhan bound of one minibatch as a DL4J loss, for the
 * parameter-averaging baseline: L = -(mean over joint rows of T) + log(mean over marginal
 * rows of exp T). The label of a row is 1 when it is a joint pair (x_i, z_i) and 0 when it
 * is a marginal pair (x_i, z'); the network's single output is T.
 *
 * <p>Its gradient divides by the minibatch's own denominator, so averaging it over workers
 * is the biased {@code local} rule of the DESIGN notes (section 3); it exists to be compared
 * with, not to train with. DL4J divides a layer's gradient by the minibatch size, so
 * {@link #computeGradient} returns dL/dT_i multiplied by that size: -N/nP for a joint row
 * and N exp(T_i) / sum_Q exp(T) for a marginal row. A minibatch must hold at least one row
 * of each kind. Stateless and thread-safe.
 */
public final class DvMinibatchLoss implements ILossFunction {

    private static final long serialVersionUID = 1L;

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                               INDArray mask, boolean average) {
        double score = scoreOf(labels, output(preOutput, activationFn));
        // The bound belongs to the whole minibatch; "not averaged" scales it back to a sum.
        return average ? score : score * labels.size(0);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput,
                                      IActivation activationFn, INDArray mask) {
        double score = scoreOf(labels, output(preOutput, activationFn));
        return Nd4j.valueArrayOf(new long[] {labels.size(0), 1}, score, preOutput.dataType());
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn,
                                    INDArray mask) {
        INDArray t = output(preOutput, activationFn);
        float[] values = t.reshape(t.length()).toFloatVector();
        float[] joint = labels.reshape(labels.length()).toFloatVector();
        int n = values.length;
        int jointCount = 0;
        double shift = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (joint[i] > 0.5f) {
                jointCount++;
            } else {
                shift = Math.max(shift, values[i]);
            }
        }
        requireBothKinds(jointCount, n);
        double expSum = 0;
        for (int i = 0; i < n; i++) {
            if (joint[i] <= 0.5f) {
                expSum += Math.exp(values[i] - shift);
            }
        }
        float[] gradient = new float[n];
        for (int i = 0; i < n; i++) {
            gradient[i] = joint[i] > 0.5f ? (float) (-(double) n / jointCount)
                    : (float) (n * Math.exp(values[i] - shift) / expSum);
        }
        INDArray dLdOut = Nd4j.create(gradient, new long[] {n, 1}, 'c')
                .castTo(preOutput.dataType());
        return activationFn.backprop(preOutput.dup(), dLdOut).getFirst();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                          IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "DvMinibatchLoss";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DvMinibatchLoss;
    }

    @Override
    public int hashCode() {
        return DvMinibatchLoss.class.hashCode();
    }

    @Override
    public String toString() {
        return name();
    }

    private static INDArray output(INDArray preOutput, IActivation activationFn) {
        return activationFn.getActivation(preOutput.dup(), true);
    }

    /** -(mean_P T - log mean_Q exp T), with the maximum shifted out of the exponent. */
    static double scoreOf(INDArray labels, INDArray t) {
        float[] values = t.reshape(t.length()).toFloatVector();
        float[] joint = labels.reshape(labels.length()).toFloatVector();
        int jointCount = 0;
        double jointSum = 0;
        double shift = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < values.length; i++) {
            if (joint[i] > 0.5f) {
                jointCount++;
                jointSum += values[i];
            } else {
                shift = Math.max(shift, values[i]);
            }
        }
        requireBothKinds(jointCount, values.length);
        double expSum = 0;
        for (int i = 0; i < values.length; i++) {
            if (joint[i] <= 0.5f) {
                expSum += Math.exp(values[i] - shift);
            }
        }
        double logMeanExp = shift + Math.log(expSum) - Math.log(values.length - jointCount);
        return -(jointSum / jointCount - logMeanExp);
    }

    private static void requireBothKinds(int jointCount, int rows) {
        if (jointCount == 0 || jointCount == rows) {
            throw new IllegalArgumentException("a DV minibatch needs joint and marginal rows; "
                    + "got " + jointCount + " joint of " + rows);
        }
    }
}
