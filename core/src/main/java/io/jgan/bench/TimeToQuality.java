package io.jgan.bench;

import io.jgan.JganException;
import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.data.Samples;
import io.jgan.data.TrainingData;
import io.jgan.eval.ClassifierBuilder;
import io.jgan.eval.ClassifierBundle;
import io.jgan.eval.EvalInputs;
import io.jgan.eval.EvalReport;
import io.jgan.eval.Evaluator;
import io.jgan.train.RunView;
import io.jgan.train.StepRecord;
import io.jgan.train.Trainer;
import io.jgan.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Time to quality, the figure a user cares about: seconds of training until jgan eval's FCD falls
 * below a target. The run trains as {@code jgan train} does and measures FCD every {@code every}
 * iterations on {@code samples} samples of one fixed noise seed; it stops at the first
 * measurement below the target. Training seconds are the sum of the iterations' own times, so
 * the measurements themselves are not counted.
 */
public final class TimeToQuality {

    /** The noise seed of every measurement: one fixed seed, so the curve follows G alone. */
    static final long NOISE_SEED = 12345;

    private TimeToQuality() {}

    /**
     * One measurement.
     *
     * @param step iterations done
     * @param trainingSeconds their summed times
     * @param fcd FCD at that step
     * @param classAgreement for a conditional G: the share of samples classified as the class
     *     asked for; else null
     * @param smallestClassShare the share of samples in the class the classifier gives fewest
     *     (mode dropping: 0.1 for ten balanced classes)
     */
    public record Point(long step, double trainingSeconds, double fcd,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            Double classAgreement, double smallestClassShare) {}

    /**
     * The run's outcome.
     *
     * @param target the FCD asked for
     * @param reached whether a measurement fell below it
     * @param points every measurement, in order
     */
    public record Result(double target, boolean reached, List<Point> points) {

        /** @return the first point below the target, or the last one measured */
        public Point last() {
            return points.get(points.size() - 1);
        }
    }

    /**
     * Trains until FCD falls below the target or the config's length is reached.
     *
     * @param config the run (its schedule's max-steps caps it)
     * @param images its training images, read from {@code config.data()}
     * @param classifier a classifier folder, or null for the shipped one of the data's domain
     * @param target FCD to reach
     * @param every iterations between measurements
     * @param samples samples per measurement
     * @param seconds training seconds after which the run is measured a last time and stopped (0:
     *     no limit)
     * @param onPoint called after each measurement (progress)
     * @return the measurements
     */
    public static Result run(GanConfig config, TrainingData.LabelledImages images, Path classifier, double target,
            int every, int samples, double seconds, Consumer<Point> onPoint) {
        Samples data = TrainingData.samples(images, config.model());
        List<Point> points = new ArrayList<>();
        boolean[] reached = {false};
        try (ClassifierBundle digits = classifier != null ? ClassifierBundle.load(classifier) : shipped(config, images);
                Trainer trainer = Trainer.gan(config, data)) {
            ModelConfig m = config.model();
            EvalInputs.requireFits(digits, m.dataDim(), m.imageShape(), "the samples");
            trainer.addListener(new TrainingListener() {
                double trainingMs;

                @Override
                public void onStep(RunView t, StepRecord r) {
                    trainingMs += r.millis();
                    boolean outOfTime = seconds > 0 && trainingMs >= seconds * 1000;
                    if (r.step() % every == 0 || outOfTime) {
                        float[] x = EvalInputs.asSaved(t.generate(samples, NOISE_SEED), t.config().model().range());
                        EvalReport e = Evaluator.evaluate(digits, x, samples, null, 0, null, "step " + r.step(), NOISE_SEED,
                                config.model().dataClasses());
                        Point p = new Point(r.step(), trainingMs / 1000, e.fcd(), e.classAgreement(),
                                e.classShares().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN));
                        points.add(p);
                        onPoint.accept(p);
                        if (e.fcd() < target) {
                            reached[0] = true;
                            t.stop();
                        } else if (outOfTime) {
                            t.stop();
                        }
                    }
                }
            });
            trainer.fit();
        }
        return new Result(target, reached[0], points);
    }

    /** The shipped classifier of the data's domain. */
    private static ClassifierBundle shipped(GanConfig config, TrainingData.LabelledImages images) {
        String domain = EvalInputs.detectDomain(config.data(), ClassifierBuilder.fingerprint(images.images()));
        if (domain == null) {
            throw new JganException(JganException.USAGE, "jgan has no quality classifier for " + config.data().source()
                    + ": make one with `jgan classifier --domain NAME --data DIR --out CLS` and give --classifier CLS");
        }
        return ClassifierBundle.shipped(domain);
    }
}
