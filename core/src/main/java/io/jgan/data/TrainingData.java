package io.jgan.data;

import io.jgan.JganException;
import io.jgan.config.DataConfig;
import io.jgan.config.ModelConfig;
import io.jgan.config.PixelRange;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Loads the samples a {@link DataConfig} names and scales them to the model's range. */
public final class TrainingData {

    /** Classpath folder of the embedded MNIST subset (see its NOTICE.md). */
    static final String EMBEDDED_DIR = "/io/jgan/data/mnist10k/";

    /** File names tried, in order, for the training images of a data folder. */
    static final List<String> IMAGE_NAMES = List.of(
            "train-images-idx3-ubyte.gz", "train-images-idx3-ubyte",
            "train-images.idx3-ubyte.gz", "train-images.idx3-ubyte");

    /** MNIST's class names. */
    static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    private TrainingData() {}

    /**
     * Images as read from their source, before scaling (what fixes a new model's shape), with
     * their labels and class names when the source has them.
     *
     * @param images the pixels
     * @param labels class labels, or {@code null}
     * @param classes class names (digits "0".."9" for MNIST; folder names for image folders)
     * @param description where they came from
     */
    public record LabelledImages(ImageSet images, byte[] labels, List<String> classes, String description) {}

    /**
     * Loads and scales the training samples.
     *
     * @param data where they come from
     * @param model the model they feed (its shape and pixel range)
     * @param seed seeds the toy's Gaussian draws
     * @return the samples
     * @throws JganException if the data is missing, malformed, or of the wrong shape
     */
    public static Samples load(DataConfig data, ModelConfig model, long seed) {
        if (DataConfig.GAUSSIAN.equals(data.source())) {
            return gaussian(data, seed);
        }
        return samples(read(data), model);
    }

    /**
     * Reads the images a config names: the embedded digits, an MNIST-layout IDX folder, or a
     * folder of PNG/JPEG images. Applies the config's limit.
     *
     * @param data the source
     * @return the images
     */
    public static LabelledImages read(DataConfig data) {
        data.validate();
        ImageSet images;
        byte[] labels;
        List<String> classes = DIGITS;
        String description;
        if (DataConfig.EMBEDDED.equals(data.source())) {
            images = IdxReader.readImages(resource("train-images-idx3-ubyte.gz"), "embedded MNIST images");
            labels = IdxReader.readLabels(resource("train-labels-idx1-ubyte.gz"), "embedded MNIST labels");
            description = "the embedded MNIST digits";
        } else {
            Path dir = Path.of(data.source());
            Path imageFile = findIdx(dir);
            if (imageFile != null) {
                images = IdxReader.readImages(imageFile);
                labels = readLabelsBeside(imageFile, images.count());
                description = imageFile.toString();
            } else if (CifarReader.hasBatches(dir)) {
                if ((data.imageSize() != 0 && data.imageSize() != CifarReader.SIDE) || data.channels() == 1) {
                    throw new JganException(JganException.USAGE, "CIFAR-10's images are 32x32 RGB: leave out"
                            + " --image-size and --channels for " + dir);
                }
                ImageFolderReader.Result r = CifarReader.read(dir, data.limit());
                images = r.images();
                labels = r.labels();
                classes = r.classes();
                description = "CIFAR-10 in " + dir;
            } else if (ImageFolderReader.hasImages(dir)) {
                ImageFolderReader.Result r = ImageFolderReader.read(dir, data.imageSize(), data.channels(), data.limit());
                images = r.images();
                labels = r.labels();
                classes = r.classes();
                description = "the images in " + dir;
            } else {
                throw new JganException(JganException.BAD_DATA, Files.isDirectory(dir)
                        ? "no training images in " + dir + ": expected one of " + String.join(", ", IMAGE_NAMES)
                                + ", CIFAR-10's data_batch_N.bin, or PNG/JPEG files"
                        : "data folder not found: " + dir + " (give --data a folder of MNIST-layout IDX files, CIFAR-10"
                                + " batches or PNG/JPEG images, or leave --data out for the embedded digits)");
            }
        }
        int all = images.count();
        images = images.limit(data.limit());
        if (labels != null && labels.length > images.count()) {
            labels = java.util.Arrays.copyOf(labels, images.count());
        }
        description = String.format(java.util.Locale.ROOT, "%,d of %,d images of %s", images.count(),
                Math.max(all, images.count()), description);
        if (data.clustered()) { // self-conditioned: the data's own labels give way to k-means clusters
            int k = data.clustersFor(images.count());
            PixelClusters.Result c = PixelClusters.of(images, k);
            List<String> names = new java.util.ArrayList<>();
            for (int j = 0; j < k; j++) {
                names.add("cluster " + j);
            }
            return new LabelledImages(images, c.labels(), List.copyOf(names), description + " in "
                    + k + " k-means clusters of their pixels");
        }
        return new LabelledImages(images, labels, classes, description);
    }

    /**
     * Scales read images into a model's range, checking that their shape is the model's.
     *
     * @param read the images
     * @param model the model
     * @return the samples
     */
    public static Samples samples(LabelledImages read, ModelConfig model) {
        ImageSet images = read.images();
        if (images.channels() != model.channels() || images.rows() != model.height()
                || images.cols() != model.width()) {
            throw new JganException(JganException.BAD_DATA,
                    "the images are " + images.channels() + "x" + images.rows() + "x" + images.cols()
                            + " (channels x height x width) but model '" + model.family() + "' expects "
                            + model.channels() + "x" + model.height() + "x" + model.width()
                            + ": use data of that shape (or --image-size/--channels for image folders)");
        }
        return new Samples(images.count(), model.dataDim(), scale(images, model.range()), read.labels(), read.description());
    }

    /**
     * Scales uint8 pixels into a pixel range: the one place this happens, for training (the
     * model's range) and for the quality metrics ([0, 1]).
     *
     * @param images the images
     * @param range the range to scale into
     * @return {@code count*channels*rows*cols} floats
     */
    public static float[] scale(ImageSet images, PixelRange range) {
        byte[] px = images.pixels();
        float[] lut = new float[256]; // 256 distinct values: a table makes the scaling exact and fast
        for (int b = 0; b < 256; b++) {
            lut[b] = range.toUnit(b);
        }
        float[] out = new float[px.length];
        for (int i = 0; i < px.length; i++) {
            out[i] = lut[px[i] & 0xff];
        }
        return out;
    }

    private static Path findIdx(Path dir) {
        for (String name : IMAGE_NAMES) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /** Labels are optional for an unconditional GAN; if present they must match the images. */
    private static byte[] readLabelsBeside(Path imageFile, int count) {
        String name = imageFile.getFileName().toString().replace("images", "labels").replace("idx3", "idx1");
        Path labelFile = imageFile.resolveSibling(name);
        if (!Files.isRegularFile(labelFile)) {
            return null;
        }
        byte[] labels = IdxReader.readLabels(labelFile);
        if (labels.length != count) {
            throw new JganException(JganException.BAD_DATA,
                    labelFile + " has " + labels.length + " labels but " + imageFile + " has " + count
                            + " images: use matching files");
        }
        return labels;
    }

    private static InputStream resource(String name) {
        InputStream in = TrainingData.class.getResourceAsStream(EMBEDDED_DIR + name);
        if (in == null) {
            throw new IllegalStateException("embedded data missing from the jar: " + EMBEDDED_DIR + name);
        }
        return in;
    }

    /** The 1-D toy: one-pixel samples from N(mean, std), clamped to [-1, 1]. */
    private static Samples gaussian(DataConfig data, long seed) {
        Random rng = new Random(seed ^ 0x5DEECE66DL);
        float[] v = new float[data.gaussianCount()];
        for (int i = 0; i < v.length; i++) {
            double x = data.gaussianMean() + data.gaussianStd() * rng.nextGaussian();
            v[i] = (float) Math.max(-1.0, Math.min(1.0, x));
        }
        return new Samples(v.length, 1, v, null,
                "1-D Gaussian N(" + data.gaussianMean() + ", " + data.gaussianStd() + "^2), " + v.length + " samples");
    }
}
