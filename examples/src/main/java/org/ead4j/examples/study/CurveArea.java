package org.ead4j.examples.study;

/**
 * The area under a metric's training curve over the evaluation steps, by the trapezoid rule,
 * divided by the step span: the curve's time-average, on the metric's own scale (a curve at 0.6
 * throughout has area 0.6). It rewards getting good early as well as ending good.
 */
public final class CurveArea {

    private CurveArea() {
    }

    /**
     * The normalised trapezoid area.
     *
     * @param steps ascending evaluation steps
     * @param values the metric at those steps
     * @return area / (last step - first step); the single value for one point; NaN for none
     */
    public static double normalized(double[] steps, double[] values) {
        if (steps.length != values.length) {
            throw new IllegalArgumentException("steps and values differ in length: " + steps.length + " vs "
                    + values.length);
        }
        if (steps.length == 0) {
            return Double.NaN;
        }
        if (steps.length == 1) {
            return values[0];
        }
        double area = 0;
        for (int i = 1; i < steps.length; i++) {
            double dx = steps[i] - steps[i - 1];
            if (dx < 0) {
                throw new IllegalArgumentException("steps must ascend; step " + steps[i] + " follows " + steps[i - 1]);
            }
            area += dx * (values[i] + values[i - 1]) / 2;
        }
        double span = steps[steps.length - 1] - steps[0];
        return span == 0 ? values[values.length - 1] : area / span;
    }
}
