package org.minespark.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.minespark.train.RoundRecord;

/**
 * A PNG of a run's training curve: the bound of every round's batch, its moving average,
 * the validation checks, the held-out estimate and, when the data records it, the true MI.
 * Drawn headless with JFreeChart.
 */
public final class TrainingCurveChart {

    public static final int WIDTH = 1000;
    public static final int HEIGHT = 600;

    private TrainingCurveChart() {
    }

    /**
     * @param heldoutNats the reported estimate, drawn as a horizontal line
     * @param trueMiNats  the true MI, or null when unknown
     */
    public static byte[] render(List<RoundRecord> history, double heldoutNats, Double trueMiNats,
                                String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeries rounds = new XYSeries("bound per round");
        XYSeries smoothed = new XYSeries("moving average");
        XYSeries validation = new XYSeries("validation checks");
        int window = Math.max(1, history.size() / 50);
        double windowSum = 0;
        for (int i = 0; i < history.size(); i++) {
            RoundRecord record = history.get(i);
            rounds.add(record.round(), record.bound());
            windowSum += record.bound();
            if (i >= window) {
                windowSum -= history.get(i - window).bound();
            }
            smoothed.add(record.round(), windowSum / Math.min(i + 1, window));
            if (!Double.isNaN(record.validationBound())) {
                validation.add(record.round(), record.validationBound());
            }
        }
        XYSeriesCollection dataset = new XYSeriesCollection();
        dataset.addSeries(rounds);
        dataset.addSeries(smoothed);
        dataset.addSeries(validation);

        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        renderer.setSeriesPaint(0, new Color(150, 180, 220));
        renderer.setSeriesShapesVisible(0, false);
        renderer.setSeriesStroke(0, new BasicStroke(1f));
        renderer.setSeriesPaint(1, new Color(20, 60, 160));
        renderer.setSeriesShapesVisible(1, false);
        renderer.setSeriesStroke(1, new BasicStroke(2.5f));
        renderer.setSeriesPaint(2, new Color(230, 120, 0));
        renderer.setSeriesLinesVisible(2, false);
        renderer.setSeriesShapesVisible(2, true);

        XYPlot plot = new XYPlot(dataset, new NumberAxis("round"),
                new NumberAxis("bound (nats)"), renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        // Labels at opposite ends, so that they stay apart when the two lines nearly meet.
        plot.addRangeMarker(marker(heldoutNats, new Color(0, 140, 70),
                String.format(java.util.Locale.ROOT, "held-out estimate %.3f", heldoutNats),
                true));
        if (trueMiNats != null) {
            plot.addRangeMarker(marker(trueMiNats, Color.DARK_GRAY,
                    String.format(java.util.Locale.ROOT, "true MI %.3f", trueMiNats), false));
        }
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setTitle(new TextTitle(title));
        chart.setBackgroundPaint(Color.WHITE);
        return png(chart);
    }

    private static ValueMarker marker(double value, Color color, String label, boolean right) {
        ValueMarker marker = new ValueMarker(value, color, new BasicStroke(1.5f,
                BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
        marker.setLabel(label);
        marker.setLabelPaint(color);
        marker.setLabelAnchor(right ? org.jfree.chart.ui.RectangleAnchor.BOTTOM_RIGHT
                : org.jfree.chart.ui.RectangleAnchor.TOP_LEFT);
        marker.setLabelTextAnchor(right ? org.jfree.chart.ui.TextAnchor.TOP_RIGHT
                : org.jfree.chart.ui.TextAnchor.BOTTOM_LEFT);
        return marker;
    }

    static byte[] png(JFreeChart chart) throws IOException {
        return png(chart, WIDTH, HEIGHT);
    }

    static byte[] png(JFreeChart chart, int width, int height) throws IOException {
        BufferedImage image = chart.createBufferedImage(width, height);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
