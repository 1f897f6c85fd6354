package org.minespark.train;

/**
 * Keeps the critic with the best validation bound and says when {@code patience} checks in
 * a row brought no improvement. Not thread-safe.
 */
final class EarlyStopping {

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
}
