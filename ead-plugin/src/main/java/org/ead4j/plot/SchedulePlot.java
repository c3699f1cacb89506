package org.ead4j.plot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.ead4j.samediff.schedule.TemperatureSchedule;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws a temperature schedule tau_t over response positions, one line per RL step. */
public final class SchedulePlot {

    private SchedulePlot() {
    }

    /**
     * Builds the chart.
     *
     * @param schedule the schedule
     * @param steps the RL steps to draw
     * @param from first position
     * @param to last position (inclusive)
     * @return the chart
     */
    public static XYChart chart(TemperatureSchedule schedule, List<Long> steps, int from, int to) {
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title("Temperature schedule").xAxisTitle("response position t").yAxisTitle("tau_t").build();
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setXAxisDecimalPattern("#");
        chart.getStyler().setXAxisTickMarkSpacingHint(90);
        int n = to - from + 1;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = from + i;
        }
        float[] table = new float[to + 1];
        for (long s : steps) {
            schedule.temperatures(s, table);
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = table[from + i];
            }
            XYSeries series = chart.addSeries("step " + s, x, y);
            series.setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    /**
     * Writes the chart as a PNG, atomically (temporary file, then rename).
     *
     * @param schedule the schedule
     * @param steps the RL steps to draw
     * @param from first position
     * @param to last position (inclusive)
     * @param png the output file
     * @throws IOException if the file cannot be written
     */
    public static void write(TemperatureSchedule schedule, List<Long> steps, int from, int to, Path png)
            throws IOException {
        PngWriter.write(chart(schedule, steps, from, to), png);
    }
}
