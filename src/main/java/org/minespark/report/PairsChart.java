package org.minespark.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;

/**
 * A PNG bar chart of the estimates of a many-pair run, one horizontal bar per pair, largest
 * estimate at the top, so that a screening run reads as a ranking. Each bar carries an error
 * bar of {@link #ERROR_BAR_Z} standard errors either side (a 95% interval under the normal
 * approximation of the delta method). The image is {@link #WIDTH} wide and grows in height
 * with the number of pairs ({@link #heightFor}). Drawn headless with JFreeChart.
 */
public final class PairsChart {

    public static final int WIDTH = 1000;
    /** Standard errors each side of an estimate that its error bar spans. */
    public static final double ERROR_BAR_Z = 1.96;

    private static final int MIN_HEIGHT = 400;
    private static final int HEIGHT_PER_PAIR = 28;
    private static final int MARGIN_HEIGHT = 160;

    private PairsChart() {
    }

    /** Height in pixels of the chart of {@code pairs} pairs. */
    public static int heightFor(int pairs) {
        return Math.max(MIN_HEIGHT, MARGIN_HEIGHT + HEIGHT_PER_PAIR * pairs);
    }

    public static byte[] render(List<PairResult> pairs, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<PairResult> ranked = new ArrayList<>(pairs);
        ranked.sort(Comparator.comparingDouble(
                (PairResult p) -> p.estimate().estimateNats()).reversed());
        DefaultStatisticalCategoryDataset dataset = new DefaultStatisticalCategoryDataset();
        for (PairResult pair : ranked) {
            dataset.add(pair.estimate().estimateNats(),
                    ERROR_BAR_Z * pair.estimate().standardErrorNats(), "held-out estimate",
                    pair.name());
        }

        StatisticalBarRenderer renderer = new StatisticalBarRenderer();
        renderer.setSeriesPaint(0, new Color(70, 110, 190));
        renderer.setErrorIndicatorPaint(Color.BLACK);
        renderer.setErrorIndicatorStroke(new BasicStroke(1.5f));
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setDrawBarOutline(false);
        renderer.setShadowVisible(false);
        renderer.setMaximumBarWidth(0.08);

        CategoryAxis pairAxis = new CategoryAxis("pair");
        NumberAxis estimateAxis = new NumberAxis(String.format(Locale.ROOT,
                "I(X;Z) estimate (nats), error bars ±%.2f standard errors", ERROR_BAR_Z));
        CategoryPlot plot = new CategoryPlot(dataset, pairAxis, estimateAxis, renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setTitle(new TextTitle(title));
        chart.setBackgroundPaint(Color.WHITE);
        return TrainingCurveChart.png(chart, WIDTH, heightFor(pairs.size()));
    }
}
