package io.jgan.eval;

import io.jgan.JganException;
import io.jgan.config.DataConfig;
import io.jgan.config.ModelConfig;
import io.jgan.config.PixelRange;
import io.jgan.data.IdxReader;
import io.jgan.data.ImageFolderReader;
import io.jgan.data.ImageSet;
import io.jgan.data.TrainingData;
import io.jgan.sample.Sampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Turns what a user points {@code jgan eval} at into [0, 1] images, a domain and a training set. */
public final class EvalInputs {

    private EvalInputs() {}

    /**
     * Images in [0, 1] to evaluate, with a description.
     *
     * @param pixels (n, C*H*W), channel-major
     * @param n count
     * @param description where from
     * @param fingerprint {@link ClassifierBuilder#fingerprint} of the bytes, or null
     * @param shape the images' shape, e.g. {@code 1x28x28}
     */
    public record ImageBatch(float[] pixels, int n, String description, String fingerprint, String shape) {

        /**
         * Checks that a classifier reads images of this batch's shape.
         *
         * @param bundle the classifier
         * @param what the batch, for the message
         * @throws JganException (usage) naming both shapes and the way to a fitting classifier
         */
        public void requireFits(ClassifierBundle bundle, String what) {
            EvalInputs.requireFits(bundle, pixels.length / n, shape, what);
        }
    }

    /**
     * Checks that a classifier reads images of a given size.
     *
     * @param bundle the classifier
     * @param valuesPerImage C*H*W of the images to measure
     * @param shape their shape, for the message, e.g. {@code 3x32x32}
     * @param what the images, for the message
     * @throws JganException (usage) naming both shapes and the way to a fitting classifier
     */
    public static void requireFits(ClassifierBundle bundle, int valuesPerImage, String shape, String what) {
        if (valuesPerImage != bundle.classifier().inputSize()) {
            throw new JganException(JganException.USAGE, what + " are " + shape + " images, but the "
                    + bundle.info().domain() + " classifier reads " + bundle.classifier().inputShape() + " ones:"
                    + " train one on your data with `jgan classifier --domain NAME --data DIR --out CLS` and"
                    + " give --classifier CLS");
        }
    }

    /**
     * What {@code jgan eval} measures: the samples, the training images for the memorisation check
     * (or null), and the classifier's domain.
     *
     * @param samples the samples
     * @param training the training images, or null
     * @param domain {@code mnist} or {@code fashion}, or null when a classifier folder is given
     * @param askedClasses K when the samples come from a conditional generator, classes in turn;
     *     else 0
     */
    public record Inputs(ImageBatch samples, ImageBatch training, String domain, int askedClasses) {}

    /**
     * A checkpoint's samples, its run's training images and their domain.
     *
     * @param sampler the checkpoint's generator
     * @param n samples to draw
     * @param seed their noise seed
     * @param domain the classifier's domain, or null to recognise it from the run's data
     * @param classifierGiven whether the user gave a classifier folder (then no domain is needed)
     * @param warn told when the training images cannot be read (no memorisation check)
     * @return the inputs
     * @throws JganException (usage) when the domain is needed, not given and cannot be recognised
     */
    public static Inputs ofCheckpoint(Sampler sampler, int n, long seed, String domain, boolean classifierGiven,
            Consumer<String> warn) {
        ImageBatch samples = generated(sampler, n, seed);
        DataConfig data = sampler.manifest().config().data();
        ImageBatch training = null;
        try {
            training = training(data);
        } catch (JganException e) {
            warn.accept("no memorisation check: the run's training data cannot be read (" + e.getMessage() + ")");
        }
        String d = domain != null || training == null || classifierGiven ? domain : detectDomain(data, training);
        if (d == null && !classifierGiven) {
            throw new JganException(JganException.USAGE, "cannot tell which classifier fits this run's data ("
                    + data.source() + "): give --domain mnist or --domain fashion, or a classifier of your own data"
                    + " with --classifier DIR (made by `jgan classifier --domain NAME --data DIR`)");
        }
        return new Inputs(samples, training, d, sampler.model().dataClasses());
    }

    /**
     * Samples from an IDX file, the training images of a folder (or the embedded digits for the
     * digits' domain), and their domain.
     *
     * @param file the IDX images file
     * @param domain the classifier's domain, or null for mnist
     * @param trainingFolder training images for the memorisation check, or null
     * @return the inputs
     */
    public static Inputs ofSamples(Path file, String domain, Path trainingFolder) {
        String d = domain != null ? domain : "mnist";
        ImageBatch training = null;
        if (trainingFolder != null) {
            training = training(DataConfig.images(trainingFolder.toAbsolutePath().toString(), 0, 0, 0));
        } else if (d.equals("mnist")) {
            training = training(DataConfig.embedded(0));
        }
        return new Inputs(idx(file, 0), training, d, 0);
    }

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
        float[] x = asSaved(sampler.sample(n, seed), m.range());
        return new ImageBatch(x, n, String.format("%s (step %d), %d samples, noise seed %d", sampler.checkpoint(),
                sampler.manifest().step(), n, seed), null, m.imageShape());
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
     * Reads samples saved by {@code jgan sample}: an IDX images file ({@code --format idx}) or a
     * folder of PNG files ({@code --format dir}).
     *
     * @param file the file or folder
     * @param limit at most this many (0 = all)
     * @return the images
     */
    public static ImageBatch idx(Path file, int limit) {
        ImageSet s = Files.isDirectory(file) ? ImageFolderReader.read(file, 0, 0, limit).images()
                : IdxReader.readImages(file).limit(limit);
        return new ImageBatch(TrainingData.scale(s, PixelRange.UNIT), s.count(), file + ", " + s.count() + " images", null,
                shape(s));
    }

    /**
     * The training images of a run's data config, in [0, 1]. A self-conditioned run's clusters
     * are not found again: evaluation needs the images, not their labels.
     *
     * @param data the run's data
     * @return the images
     */
    public static ImageBatch training(DataConfig data) {
        TrainingData.LabelledImages read = TrainingData.read(data.withClusters(0)); // the images alone: no k-means
        ImageSet s = read.images();
        return new ImageBatch(TrainingData.scale(s, PixelRange.UNIT), s.count(), read.description(),
                ClassifierBuilder.fingerprint(s), shape(s));
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

    private static String shape(ImageSet s) {
        return s.channels() + "x" + s.rows() + "x" + s.cols();
    }
}
