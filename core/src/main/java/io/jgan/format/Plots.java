package io.jgan.format;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts drawn with XChart: the training curves and the toy's histogram. */
public final class Plots {

    /** At most this many points per series; longer runs are averaged in buckets of steps. */
    static final int MAX_POINTS = 1000;

    private Plots() {}

    /**
     * Writes {@code training.png}: lossD and lossG over steps (top), D(x) and D(G(z)) (bottom).
     *
     * @param file the PNG
     * @param steps each iteration's step, in order
     * @param lossD its lossD
     * @param lossG its lossG
     * @param dReal its mean D(x)
     * @param dFake its mean D(G(z))
     * @throws IOException if writing fails
     */
    public static void trainingCurves(Path file, double[] steps, double[] lossD, double[] lossG, double[] dReal,
            double[] dFake) throws IOException {
        int bucket = Math.max(1, (steps.length + MAX_POINTS - 1) / MAX_POINTS);
        String note = bucket > 1 ? " (mean of every " + bucket + " steps)" : "";
        XYChart losses = chart("Losses" + note, "loss");
        XYChart outputs = chart("Discriminator outputs" + note, "mean probability");
        double[] x = bucketed(steps, bucket);
        add(losses, "lossD", x, bucketed(lossD, bucket));
        add(losses, "lossG", x, bucketed(lossG, bucket));
        add(outputs, "D(x)", x, bucketed(dReal, bucket));
        add(outputs, "D(G(z))", x, bucketed(dFake, bucket));
        outputs.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        for (XYChart c : List.of(losses, outputs)) {
            stepAxis(c, steps[steps.length - 1]);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(List.of(losses, outputs), 2, 1, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /**
     * Writes a histogram of real against generated values (the 1-D toy).
     *
     * @param file the PNG
     * @param real real values
     * @param generated generated values
     * @param lo lower edge
     * @param hi upper edge
     * @param bins number of bins
     * @throws IOException if writing fails
     */
    public static void histogram(Path file, float[] real, float[] generated, double lo, double hi, int bins)
            throws IOException {
        XYChart c = chart("Real vs generated values (density)", "density");
        c.setXAxisTitle("value");
        double[] centers = new double[bins];
        for (int b = 0; b < bins; b++) {
            centers[b] = lo + (b + 0.5) * (hi - lo) / bins;
        }
        // round ticks over the value range, with two decimals (not -0.983333333333333)
        c.getStyler().setXAxisMin(lo).setXAxisMax(hi).setXAxisDecimalPattern("0.0#").setXAxisTickMarkSpacingHint(90);
        add(c, "real", centers, density(real, lo, hi, bins)).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        add(c, "generated", centers, density(generated, lo, hi, bins))
                .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(c, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /**
     * Writes {@code eval.png}: FCD over steps (top) and recall, coverage and precision
     * (bottom).
     *
     * @param file the PNG
     * @param steps evaluation steps
     * @param fcd FCD at each
     * @param precision precision at each
     * @param recall recall at each
     * @param coverage coverage at each
     * @throws IOException if writing fails
     */
    public static void evalCurves(Path file, double[] steps, double[] fcd, double[] precision, double[] recall,
            double[] coverage) throws IOException {
        XYChart top = chart("FCD (Frechet distance in the domain classifier's features; lower is better)", "FCD");
        // linear: a log axis over less than a decade (FCD 200-550, say) gets no tick labels in XChart
        top.getStyler().setYAxisMin(0.0);
        add(top, "FCD", steps, fcd).setMarker(SeriesMarkers.CIRCLE);
        XYChart bottom = chart("Precision (quality), recall and coverage (diversity)", "share");
        add(bottom, "precision", steps, precision).setMarker(SeriesMarkers.CIRCLE);
        add(bottom, "recall", steps, recall).setMarker(SeriesMarkers.CIRCLE);
        add(bottom, "coverage", steps, coverage).setMarker(SeriesMarkers.CIRCLE);
        bottom.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        for (XYChart c : List.of(top, bottom)) {
            stepAxis(c, steps[steps.length - 1]);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(List.of(top, bottom), 2, 1, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /**
     * A step axis from 0 to the last step rounded up to a round number, so that ticks fall on round
     * steps (0, 2,000, 4,000 ... rather than 4, 404, 804 from the first bucket's mean), with whole
     * numbers spaced so that labels such as 12,500 do not run together.
     */
    private static void stepAxis(XYChart c, double lastStep) {
        double unit = Math.pow(10, Math.floor(Math.log10(Math.max(1, lastStep))));
        double max = Math.ceil(lastStep / (unit / 2)) * (unit / 2);
        c.getStyler().setXAxisMin(0.0).setXAxisMax(Math.max(max, 1)).setXAxisDecimalPattern("#,##0")
                .setXAxisTickMarkSpacingHint(140);
    }

    static double[] density(float[] values, double lo, double hi, int bins) {
        double[] d = new double[bins];
        double width = (hi - lo) / bins;
        for (float v : values) {
            int b = (int) Math.floor((v - lo) / width);
            if (b >= 0 && b < bins) {
                d[b]++;
            } else if (v == hi) {
                d[bins - 1]++;
            }
        }
        for (int b = 0; b < bins; b++) {
            d[b] /= values.length * width;
        }
        return d;
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(900).height(420).title(title).xAxisTitle("step").yAxisTitle(yTitle)
                .build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE).setChartBackgroundColor(java.awt.Color.WHITE);
        return c;
    }

    private static XYSeries add(XYChart c, String name, double[] x, double[] y) {
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        return s;
    }

    /** Each bucket's mean. */
    private static double[] bucketed(double[] values, int bucket) {
        int n = (values.length + bucket - 1) / bucket;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            int from = i * bucket;
            int to = Math.min(values.length, from + bucket);
            double sum = 0;
            for (int j = from; j < to; j++) {
                sum += values[j];
            }
            out[i] = sum / (to - from);
        }
        return out;
    }
}
