package org.minespark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The running statistics behind the bias report, on vectors whose answers are known. */
class GradientStatsTest {

    private static final double TOLERANCE = 1e-12;

    /** Standard errors allowed between a simulated bias and its closed form. */
    private static final double STANDARD_ERRORS = 4.0;

    /** Relative tolerance of a simulated standard error against its closed form. */
    private static final double STANDARD_ERROR_TOLERANCE = 0.05;

    /** Relative tolerance of the reported standard error against the spread over repeats. */
    private static final double SPREAD_TOLERANCE = 0.10;

    @Test
    void meanAndSpread() {
        BiasReportCommand.GradientStats stats = new BiasReportCommand.GradientStats(2);
        stats.add(new double[] {1, 0});
        stats.add(new double[] {3, 0});
        stats.add(new double[] {2, 3});
        stats.add(new double[] {2, -3});
        // Mean (2, 0); squared distances from it 1, 1, 9, 9 over n - 1 = 3.
        assertArrayEquals(new double[] {2, 0}, stats.mean(), TOLERANCE);
        assertEquals(Math.sqrt(20.0 / 3), stats.standardDeviation(), TOLERANCE);
    }

    @Test
    void spreadNeedsTwoVectors() {
        BiasReportCommand.GradientStats stats = new BiasReportCommand.GradientStats(1);
        stats.add(new double[] {1});
        assertThrows(IllegalStateException.class, stats::standardDeviation);
    }

    @Test
    void ratioBiasSumsMatchDirectComputation() {
        double[][] terms = {{1.0, -2.0, 0.5}, {0.3, 0.7, -1.1}, {2.0, 0.0, 0.4}, {-0.6, 1.5, 0.9}};
        double[][] numerators = {{0.8, -1.0, 0.2}, {0.5, 0.4, -0.9}, {1.7, 0.1, 0.6},
            {-0.2, 1.1, 0.3}};
        double[] denominators = {0.9, 1.3, 0.7, 1.1};
        BiasReportCommand.RatioBiasStats stats = new BiasReportCommand.RatioBiasStats(3);
        for (int r = 0; r < terms.length; r++) {
            stats.add(terms[r], numerators[r], denominators[r]);
        }

        // Direct: once the means are known, e_r = M_r - A_r / Bbar + (B_r - Bbar) Abar / Bbar^2,
        // then their mean and spread.
        int rounds = terms.length;
        double denominatorMean = 0;
        double[] numeratorMean = new double[3];
        for (int r = 0; r < rounds; r++) {
            denominatorMean += denominators[r] / rounds;
            for (int i = 0; i < 3; i++) {
                numeratorMean[i] += numerators[r][i] / rounds;
            }
        }
        double[][] differences = new double[rounds][3];
        double[] mean = new double[3];
        double squareNormSum = 0;
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < 3; i++) {
                differences[r][i] = terms[r][i] - numerators[r][i] / denominatorMean
                        + (denominators[r] - denominatorMean) * numeratorMean[i]
                        / (denominatorMean * denominatorMean);
                mean[i] += differences[r][i] / rounds;
                squareNormSum += differences[r][i] * differences[r][i];
            }
        }
        double spread = 0;
        for (double[] d : differences) {
            for (int i = 0; i < 3; i++) {
                spread += (d[i] - mean[i]) * (d[i] - mean[i]) / (rounds - 1);
            }
        }

        assertArrayEquals(mean, stats.bias(), TOLERANCE);
        assertEquals(squareNormSum, stats.influenceSquareNormSum(), TOLERANCE);
        assertEquals(spread, stats.influenceTrace(), TOLERANCE);
        assertEquals(Math.sqrt(spread / rounds), stats.biasStandardError(), TOLERANCE);
    }

    @Test
    void ratioBiasOfTheWorkedExampleIsRecovered() {
        // DESIGN section 3: x uniform on (-1, 1), theta = 2, one sample per round. The round's
        // ratio estimate M = A / B with A = (1, x) and B = theta + x has E[M] =
        // (ln(3) / 2, 1 - ln(3)), while E[A] / E[B] = (1 / 2, 0).
        double theta = 2.0;
        double[] expectedBias = {Math.log(3) / 2 - 0.5, 1 - Math.log(3)};
        // In the limit Abar = (1, 0) and Bbar = theta, so with x = B - theta the influences are
        // e_r = (1 / B - 1 / theta + (B - theta) / theta^2, 2 - theta / B - B / theta). Their
        // variances follow from Var(1 / B) = 1 / 3 - (ln(3) / 2)^2, Var(B) = 1 / 3 and
        // Cov(1 / B, B) = 1 - E[1 / B] E[B] = 1 - ln(3).
        double inverseVariance = 1.0 / 3 - Math.pow(Math.log(3) / 2, 2);
        double variance = 1.0 / 3;
        double covariance = 1 - Math.log(3);
        double theta2 = theta * theta;
        double trace = inverseVariance + variance / (theta2 * theta2) + 2 * covariance / theta2
                + theta2 * inverseVariance + variance / theta2 + 2 * covariance;
        int rounds = 200_000;
        SplittableRandom random = new SplittableRandom(20180123L);
        BiasReportCommand.RatioBiasStats stats = new BiasReportCommand.RatioBiasStats(2);
        for (int r = 0; r < rounds; r++) {
            double x = random.nextDouble(-1.0, 1.0);
            double b = theta + x;
            stats.add(new double[] {1 / b, x / b}, new double[] {1, x}, b);
        }

        double standardError = stats.biasStandardError();
        assertEquals(Math.sqrt(trace / rounds), standardError,
                STANDARD_ERROR_TOLERANCE * Math.sqrt(trace / rounds));
        double[] bias = stats.bias();
        for (int i = 0; i < bias.length; i++) {
            assertEquals(expectedBias[i], bias[i], STANDARD_ERRORS * standardError,
                    "component " + i);
        }
        // The bias is resolved: many standard errors from zero.
        assertTrue(stats.biasNorm() > 20 * standardError, "bias " + stats.biasNorm()
                + ", standard error " + standardError);
    }

    @Test
    void standardErrorIsTheSpreadOfTheBiasOverRepeatedMeasurements() {
        // The worked example's ratio estimated from 8 samples per round; D over 100 rounds,
        // measured 1000 times: its spread is what the reported standard error claims it is.
        int repeats = 1000;
        int rounds = 100;
        int samples = 8;
        SplittableRandom random = new SplittableRandom(1801L);
        double biasSum = 0;
        double biasSquareSum = 0;
        double standardErrorSquareSum = 0;
        for (int k = 0; k < repeats; k++) {
            BiasReportCommand.RatioBiasStats stats = new BiasReportCommand.RatioBiasStats(1);
            for (int r = 0; r < rounds; r++) {
                double b = 0;
                for (int j = 0; j < samples; j++) {
                    b += (2.0 + random.nextDouble(-1.0, 1.0)) / samples;
                }
                stats.add(new double[] {1 / b}, new double[] {1}, b);
            }
            double bias = stats.bias()[0];
            biasSum += bias;
            biasSquareSum += bias * bias;
            double standardError = stats.biasStandardError();
            standardErrorSquareSum += standardError * standardError;
        }
        double spread = Math.sqrt((biasSquareSum - biasSum * biasSum / repeats) / (repeats - 1));
        double reported = Math.sqrt(standardErrorSquareSum / repeats);
        assertEquals(spread, reported, SPREAD_TOLERANCE * spread);
    }
}
