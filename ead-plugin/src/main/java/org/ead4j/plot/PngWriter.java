package org.ead4j.plot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** Saves XChart charts as PNG files without leaving a half-written file behind. */
public final class PngWriter {

    private PngWriter() {
    }

    /**
     * Writes a chart to {@code png} via a temporary file in the same folder and an atomic rename.
     *
     * @param chart the chart
     * @param png the target file (parent folders are created)
     * @throws IOException if writing fails
     */
    public static void write(Chart<?, ?> chart, Path png) throws IOException {
        Path abs = png.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = org.ead4j.samediff.io.AtomicFiles.createTempFile(dir, ".plot-", ".png");
        try {
            Files.write(tmp, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));

            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
