package org.minespark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.minespark.estimate.HeldOutEstimate;

class PairsChartTest {

    static PairResult pair(String name, double estimate, double standardError) {
        return new PairResult(name, List.of("x_" + name), List.of("z"),
                new HeldOutEstimate(estimate, standardError, 1000, 8000, estimate, 0.0),
                estimate + 0.05, null, 0, 4000, 1000, 0, 100, 100, false, 0, 0,
                List.of(), Map.of("train", 1000L));
    }

    @Test
    void rendersOneBarPerPairInAnImageThatGrowsWithThePairs() throws Exception {
        List<PairResult> pairs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            pairs.add(pair("feature_" + i, 0.05 * i, 0.01 + 0.002 * i));
        }
        byte[] png = PairsChart.render(pairs, "test pairs");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(PairsChart.WIDTH, image.getWidth());
        assertEquals(PairsChart.heightFor(30), image.getHeight());
        assertTrue(PairsChart.heightFor(30) > PairsChart.heightFor(3));

        // The bars are drawn: the plot's middle row holds the bar colour somewhere.
        int barColour = 0xFF466EBE;
        boolean found = false;
        for (int y = 0; y < image.getHeight() && !found; y++) {
            for (int x = 0; x < image.getWidth() && !found; x++) {
                found = image.getRGB(x, y) == barColour;
            }
        }
        assertTrue(found, "no bar drawn");
    }
}
