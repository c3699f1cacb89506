package org.ead4j.plot;

import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line charts of metrics over RL steps. */
public final class MetricChart {

    private MetricChart() {
    }

    /**
     * One line per series, steps on the x axis.
     *
     * @param title the chart title
     * @param yTitle the y axis title
     * @param series the non-empty series to draw
     * @return the chart
     */
    public static XYChart overSteps(String title, String yTitle, List<RunMetrics.Series> series) {
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title(title).xAxisTitle("RL step").yAxisTitle(yTitle).build();
        chart.getStyler().setMarkerSize(4);
        for (RunMetrics.Series s : series) {
            XYSeries line = chart.addSeries(s.key(), s.steps(), s.values());
            line.setMarker(s.steps().length > 50 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        }
        return chart;
    }
}
