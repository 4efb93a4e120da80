package io.jgan.toy;

import io.jgan.config.GanConfig;
import io.jgan.data.Samples;
import io.jgan.data.TrainingData;
import io.jgan.format.Plots;
import io.jgan.train.Trainer;
import io.jgan.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The example of 'GANs — Illustrated, explained and coded': a GAN learns the distribution of one-pixel
 * "images" whose values follow a
 * Gaussian in [-1, 1]. Success is measurable: the generated mean and standard deviation should
 * match the real ones.
 */
public final class GaussianToy {

    /** Generated values drawn to estimate G's distribution. */
    public static final int EVAL_SAMPLES = 20_000;

    private GaussianToy() {}

    /**
     * What the toy learned.
     *
     * @param realMean mean of the training values
     * @param realStd standard deviation of the training values
     * @param generatedMean mean of {@link #EVAL_SAMPLES} generated values
     * @param generatedStd their standard deviation
     * @param real the training values
     * @param generated the generated values
     */
    public record Result(double realMean, double realStd, double generatedMean, double generatedStd, float[] real,
            float[] generated) {}

    /**
     * Trains the toy and measures what it learned.
     *
     * @param config a validated toy config ({@code Family.toy})
     * @param listeners extra listeners (progress, metrics), may be empty
     * @return the statistics
     */
    public static Result run(GanConfig config, List<TrainingListener> listeners) {
        Samples samples = TrainingData.load(config.data(), config.model(), config.train().seed());
        try (Trainer trainer = Trainer.gan(config, samples)) {
            listeners.forEach(trainer::addListener);
            trainer.fit();
            float[] generated = trainer.generate(EVAL_SAMPLES, config.train().seed() + 1);
            double[] r = meanStd(samples.values());
            double[] g = meanStd(generated);
            return new Result(r[0], r[1], g[0], g[1], samples.values(), generated);
        }
    }

    /**
     * Writes the histogram of real against generated values.
     *
     * @param result the toy's result
     * @param png the file
     * @throws IOException if writing fails
     */
    public static void writeHistogram(Result result, Path png) throws IOException {
        Plots.histogram(png, result.real(), result.generated(), -1.0, 1.0, 60);
    }

    /**
     * Returns the mean and (population) standard deviation.
     *
     * @param v values
     * @return {mean, std}
     */
    public static double[] meanStd(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x;
        }
        double mean = sum / v.length;
        double sq = 0;
        for (float x : v) {
            sq += (x - mean) * (x - mean);
        }
        return new double[] {mean, Math.sqrt(sq / v.length)};
    }
}
