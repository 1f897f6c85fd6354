package org.minespark.train;

/**
 * Keeps the critic with the best validation bound and says when {@code patience} checks in
 * a row brought no improvement. Its whole state can be taken and restored for checkpoints.
 * Not thread-safe.
 */
final class EarlyStopping {

    /** The state of an instance; {@code bestParams} is empty before the first improvement. */
    record State(double bestBound, float[] bestParams, int bestRound,
                 int checksWithoutImprovement) {
    }

    private final int patience;
    private double bestBound = Double.NEGATIVE_INFINITY;
    private float[] bestParams;
    private int bestRound;
    private int checksWithoutImprovement;

    EarlyStopping(int patience) {
        this.patience = patience;
    }

    void check(int round, double bound, float[] params) {
        if (Double.isFinite(bound) && bound > bestBound) {
            bestBound = bound;
            bestParams = params.clone();
            bestRound = round;
            checksWithoutImprovement = 0;
        } else {
            checksWithoutImprovement++;
        }
    }

    boolean shouldStop() {
        return bestRound > 0 && checksWithoutImprovement >= patience;
    }

    int bestRound() {
        return bestRound;
    }

    float[] bestParams() {
        return bestParams.clone();
    }

    State state() {
        return new State(bestBound, bestParams == null ? new float[0] : bestParams.clone(),
                bestRound, checksWithoutImprovement);
    }

    void restore(State state) {
        bestBound = state.bestBound();
        bestParams = state.bestParams().length == 0 ? null : state.bestParams().clone();
        bestRound = state.bestRound();
        checksWithoutImprovement = state.checksWithoutImprovement();
    }
}
