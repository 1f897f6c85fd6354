package org.minespark.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Gradient ascent on the flat critic parameters with ND4J's Adam (Kingma and Ba, 2015;
 * beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8). The updater state (first and second moments)
 * lives in one flat array so that it can be checkpointed. Not thread-safe.
 */
public final class AdamAscent {

    private final Adam config;
    private final INDArray state;
    private final GradientUpdater<?> updater;
    // Reused for every step: ND4J's off-heap allocations cost more than the step itself.
    private final INDArray update;
    private final INDArray current;
    private int iteration;

    public AdamAscent(double learningRate, int paramCount) {
        this.config = new Adam(learningRate);
        this.state = Nd4j.zeros(DataType.FLOAT, 1, config.stateSize(paramCount));
        this.updater = config.instantiate(state, true);
        this.update = Nd4j.create(DataType.FLOAT, 1, paramCount);
        this.current = Nd4j.create(DataType.FLOAT, 1, paramCount);
    }

    /** Returns the parameters after one ascent step along {@code gradient}. */
    public float[] ascend(float[] params, double[] gradient) {
        float[] descent = new float[gradient.length];
        for (int i = 0; i < gradient.length; i++) {
            descent[i] = (float) -gradient[i];
        }
        update.data().asNioFloat().put(descent);
        updater.applyUpdater(update, iteration++, 0);
        current.data().asNioFloat().put(params);
        current.subi(update);
        float[] next = new float[params.length];
        current.data().asNioFloat().get(next);
        return next;
    }

    public double learningRate() {
        return config.getLearningRate();
    }

    public void setLearningRate(double learningRate) {
        config.setLearningRate(learningRate);
    }

    public int iteration() {
        return iteration;
    }

    /** A copy of the moment estimates, for checkpoints. */
    public float[] state() {
        return state.toFloatVector();
    }

    public void restore(float[] savedState, int savedIteration) {
        state.assign(Nd4j.createFromArray(savedState).reshape(state.shape()));
        iteration = savedIteration;
    }
}
