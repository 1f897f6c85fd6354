package org.minespark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The running statistics behind the bias report, on vectors whose answers are known. */
class GradientStatsTest {

    private static final double TOLERANCE = 1e-12;

    @Test
    void meanDistanceAndSpread() {
        BiasReportCommand.GradientStats stats = new BiasReportCommand.GradientStats(2);
        stats.add(new double[] {1, 0});
        stats.add(new double[] {3, 0});
        stats.add(new double[] {2, 3});
        stats.add(new double[] {2, -3});
        // Mean (2, 0): distance to (2, 4) is 4; squared distances 1, 1, 9, 9 over n - 1 = 3.
        assertEquals(4.0, stats.distanceOfMeanTo(new double[] {2, 4}), TOLERANCE);
        assertEquals(Math.sqrt(20.0 / 3), stats.standardDeviation(), TOLERANCE);
    }
}
