package io.jgan.eval;

import io.jgan.JganException;
import io.jgan.config.DataConfig;
import io.jgan.config.ModelConfig;
import io.jgan.config.PixelRange;
import io.jgan.data.IdxReader;
import io.jgan.data.ImageSet;
import io.jgan.data.TrainingData;
import io.jgan.sample.Sampler;
import java.nio.file.Path;

/** Turns what a user points {@code jgan eval} at into [0, 1] images, a domain and a training set. */
public final class EvalInputs {

    private EvalInputs() {}

    /**
     * Images in [0, 1] to evaluate, with a description.
     *
     * @param pixels (n, 784)
     * @param n count
     * @param description where from
     * @param fingerprint {@link ClassifierBuilder#fingerprint} of the bytes, or null
     */
    public record ImageBatch(float[] pixels, int n, String description, String fingerprint) {}

    /**
     * Draws n samples from a generator and quantises them to bytes, as a PNG or IDX file of them
     * would hold (so evaluating a checkpoint equals evaluating its {@code sample --format idx}).
     *
     * @param sampler the generator
     * @param n how many
     * @param seed noise seed
     * @return the samples
     */
    public static ImageBatch generated(Sampler sampler, int n, long seed) {
        ModelConfig m = sampler.model();
        requireDigitShape(m.channels(), m.height(), m.width(), "this generator");
        float[] x = asSaved(sampler.sample(n, seed), m.range());
        return new ImageBatch(x, n, String.format("%s (step %d), %d samples, noise seed %d", sampler.checkpoint(),
                sampler.manifest().step(), n, seed), null);
    }

    /**
     * Quantises generator output to bytes and back to [0, 1], in place: the values a PNG or IDX
     * file of the samples holds, which is what real images are measured as.
     *
     * @param x samples in {@code range}
     * @param range the generator's pixel range
     * @return x, now in [0, 1] steps of 1/255
     */
    public static float[] asSaved(float[] x, PixelRange range) {
        for (int i = 0; i < x.length; i++) {
            x[i] = range.toByte(x[i]) / 255f;
        }
        return x;
    }

    /**
     * Reads an IDX images file (e.g. from {@code jgan sample --format idx}).
     *
     * @param file the file
     * @param limit at most this many (0 = all)
     * @return the images
     */
    public static ImageBatch idx(Path file, int limit) {
        ImageSet s = IdxReader.readImages(file).limit(limit);
        requireDigitShape(s.channels(), s.rows(), s.cols(), file.toString());
        return new ImageBatch(TrainingData.scale(s, PixelRange.UNIT), s.count(), file + ", " + s.count() + " images", null);
    }

    /**
     * The training images of a run's data config, in [0, 1].
     *
     * @param data the run's data
     * @return the images
     */
    public static ImageBatch training(DataConfig data) {
        TrainingData.LabelledImages read = TrainingData.read(data);
        ImageSet s = read.images();
        requireDigitShape(s.channels(), s.rows(), s.cols(), "the training data");
        return new ImageBatch(TrainingData.scale(s, PixelRange.UNIT), s.count(), read.description(),
                ClassifierBuilder.fingerprint(s));
    }

    /**
     * Picks the domain classifier for a run's data: the embedded digits are mnist; other data is
     * recognised by the fingerprint of its first images.
     *
     * @param data the run's data
     * @param training its images (already read)
     * @return the domain, or null if unknown
     */
    public static String detectDomain(DataConfig data, ImageBatch training) {
        return detectDomain(data, training.fingerprint());
    }

    /**
     * Picks the domain classifier for a run's data.
     *
     * @param data the run's data
     * @param fp {@link ClassifierBuilder#fingerprint} of its images
     * @return the domain, or null if unknown
     */
    public static String detectDomain(DataConfig data, String fp) {
        if (DataConfig.EMBEDDED.equals(data.source())) {
            return "mnist";
        }
        for (String d : ClassifierBundle.DOMAINS) {
            if (fp.equals(ClassifierBundle.shippedInfo(d).dataFingerprint())) {
                return d;
            }
        }
        return null;
    }

    private static void requireDigitShape(int c, int h, int w, String what) {
        if (c != 1 || h != DomainClassifier.SIDE || w != DomainClassifier.SIDE) {
            throw new JganException(JganException.USAGE, what + " makes " + c + "x" + h + "x" + w + " images, but the"
                    + " quality metrics need 1x28x28 gray images (their classifiers know MNIST digits and"
                    + " Fashion-MNIST)");
        }
    }
}
