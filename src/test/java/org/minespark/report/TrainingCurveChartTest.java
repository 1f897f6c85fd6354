package org.minespark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.minespark.train.RoundRecord;

class TrainingCurveChartTest {

    @Test
    void rendersAPngOfTheExpectedSize() throws Exception {
        List<RoundRecord> history = new ArrayList<>();
        for (int round = 1; round <= 400; round++) {
            double bound = 1 - Math.exp(-round / 80.0) + 0.05 * Math.sin(round);
            history.add(new RoundRecord(round, bound, 0.1, 0.1, 1.0, 4096, 50,
                    round % 100 == 0 ? bound - 0.02 : Double.NaN));
        }
        byte[] png = TrainingCurveChart.render(history, 0.97, 1.0, "test curve");
        Path file = Path.of("target", "test-training-curve.png");
        Files.createDirectories(file.getParent());
        Files.write(file, png);

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(TrainingCurveChart.WIDTH, image.getWidth());
        assertEquals(TrainingCurveChart.HEIGHT, image.getHeight());
        // Something was drawn: the centre of the plot is not uniformly white.
        int white = 0xFFFFFFFF;
        boolean drawn = false;
        for (int x = 100; x < 900 && !drawn; x++) {
            drawn = image.getRGB(x, 300) != white;
        }
        assertTrue(drawn, "the plot area is blank");
    }
}
