package io.jgan.eval;

import io.jgan.JganException;
import io.jgan.Version;
import io.jgan.checkpoint.TensorFile;
import io.jgan.config.DataConfig;
import io.jgan.config.ModelConfig;
import io.jgan.config.PixelRange;
import io.jgan.data.IdxReader;
import io.jgan.data.ImageSet;
import io.jgan.data.TrainingData;
import io.jgan.format.NamedTensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Trains a domain classifier and writes it with its reference statistics ({@code jgan
 * classifier}). The splits:
 *
 * <ul>
 *   <li>mnist: the embedded 10,000 digits; images 0-8,999 train it and are the reference,
 *       images 9,000-9,999 are held out for its accuracy (and for calibration).
 *   <li>fashion: Fashion-MNIST's 60,000 training images train it and are the reference; its
 *       10,000 test images are held out.
 *   <li>a user's data, under a name of their choosing ({@code jgan classifier --domain NAME --data
 *       DIR}: an image folder with a subfolder per class, IDX files with their labels, or CIFAR-10's
 *       batches): a tenth of the images (at most 10,000), picked by the seed, is held out; the rest
 *       train it and are the reference.
 * </ul>
 */
public final class ClassifierBuilder {

    /** Reference feature vectors kept for KID and precision/recall. */
    public static final int KEPT_FEATURES = 2000;

    private ClassifierBuilder() {}

    /** Real images of a domain, split. */
    record Split(float[] train, byte[] trainLabels, int trainCount, float[] heldOut, byte[] heldOutLabels,
            int heldOutCount, List<String> classes, String trainedOn, String heldOutSplit, String fingerprint,
            int channels, int side) {}

    /** What a user's domain may be called: it names the classifier in reports. */
    private static final java.util.regex.Pattern DOMAIN_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");

    /**
     * Reads a domain's real images and splits them as documented above.
     *
     * @param domain mnist, fashion, or a name for a user's data
     * @param dataDir the Fashion-MNIST folder or the user's data (ignored for mnist)
     * @param imageSize for image folders: resize and centre-crop to this side (0: keep)
     * @param seed picks a user's held-out images
     * @return the split
     */
    static Split split(String domain, Path dataDir, int imageSize, long seed) {
        if (domain.equals("mnist")) {
            TrainingData.LabelledImages all = TrainingData.read(DataConfig.embedded(0));
            ImageSet s = all.images();
            int train = 9000;
            float[] px = TrainingData.scale(s, PixelRange.UNIT);
            return new Split(Arrays.copyOf(px, train * 784), Arrays.copyOf(all.labels(), train), train,
                    Arrays.copyOfRange(px, train * 784, s.count() * 784),
                    Arrays.copyOfRange(all.labels(), train, s.count()), s.count() - train, all.classes(),
                    "embedded MNIST digits 0-8999", "embedded MNIST digits 9000-9999", fingerprint(s), 1,
                    DomainClassifier.SIDE);
        }
        if (!domain.equals("fashion")) {
            return usersData(domain, dataDir, imageSize, seed);
        }
        if (dataDir == null) {
            throw new JganException(JganException.USAGE, "--data is needed for fashion: the Fashion-MNIST folder"
                    + " (Debian's dataset-fashion-mnist installs /usr/share/datasets/fashion-mnist)");
        }
        ImageSet train = IdxReader.readImages(find(dataDir, "train-images-idx3-ubyte"));
        byte[] trainLabels = IdxReader.readLabels(find(dataDir, "train-labels-idx1-ubyte"));
        ImageSet test = IdxReader.readImages(find(dataDir, "t10k-images-idx3-ubyte"));
        byte[] testLabels = IdxReader.readLabels(find(dataDir, "t10k-labels-idx1-ubyte"));
        return new Split(TrainingData.scale(train, PixelRange.UNIT), trainLabels, train.count(), TrainingData.scale(test, PixelRange.UNIT), testLabels, test.count(),
                List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                        "Ankle boot"),
                "Fashion-MNIST train (60,000)", "Fashion-MNIST t10k (10,000)", fingerprint(train), 1,
                DomainClassifier.SIDE);
    }

    /** A user's labelled images, a tenth held out. */
    private static Split usersData(String domain, Path dataDir, int imageSize, long seed) {
        if (!DOMAIN_NAME.matcher(domain).matches()) {
            throw new JganException(JganException.USAGE, "--domain '" + domain + "' is not a name: use mnist, fashion, or"
                    + " a name of your own for --data (letters, digits, - and _, at most 32)");
        }
        if (dataDir == null) {
            throw new JganException(JganException.USAGE, "--data is needed for a classifier of your own data (--domain "
                    + domain + "): an image folder with a subfolder per class, IDX files with their labels, or"
                    + " CIFAR-10's data_batch_N.bin files");
        }
        TrainingData.LabelledImages all = TrainingData.read(
                DataConfig.images(dataDir.toAbsolutePath().toString(), 0, imageSize, 0));
        ImageSet s = all.images();
        if (all.labels() == null || all.classes().size() < 2) {
            throw new JganException(JganException.BAD_DATA, dataDir + " has no classes: a classifier needs labelled"
                    + " images (a subfolder per class, an IDX labels file, or CIFAR-10's batches)");
        }
        if (s.rows() != s.cols() || s.rows() < DomainClassifier.MIN_SIDE || s.rows() > ModelConfig.MAX_SIDE) {
            throw new JganException(JganException.USAGE, "the classifier reads square images of side "
                    + DomainClassifier.MIN_SIDE + " to " + ModelConfig.MAX_SIDE + ", and " + dataDir + " holds " + s.rows() + "x" + s.cols()
                    + ": give --image-size");
        }
        int n = s.count();
        int held = Math.min(10_000, n / 10);
        if (held < 1) {
            throw new JganException(JganException.BAD_DATA, dataDir + " has " + n + " images: a classifier needs at least"
                    + " 10, a tenth of them held out to measure it");
        }
        int d = s.imageSize();
        float[] px = TrainingData.scale(s, PixelRange.UNIT);
        int[] order = io.jgan.data.Permutation.of(n, new Random(seed));
        float[] train = new float[(n - held) * d];
        byte[] trainLabels = new byte[n - held];
        float[] heldOut = new float[held * d];
        byte[] heldOutLabels = new byte[held];
        for (int i = 0; i < n; i++) {
            int k = order[i];
            if (i < n - held) {
                System.arraycopy(px, k * d, train, i * d, d);
                trainLabels[i] = all.labels()[k];
            } else {
                System.arraycopy(px, k * d, heldOut, (i - n + held) * d, d);
                heldOutLabels[i - n + held] = all.labels()[k];
            }
        }
        return new Split(train, trainLabels, n - held, heldOut, heldOutLabels, held, all.classes(),
                String.format(Locale.ROOT, "%s: %,d images (seed %d)", all.description(), n - held, seed),
                String.format(Locale.ROOT, "%s: the other %,d", all.description(), held), fingerprint(s), s.channels(),
                s.rows());
    }

    private static Path find(Path dir, String name) {
        for (String n : List.of(name + ".gz", name)) {
            if (Files.isRegularFile(dir.resolve(n))) {
                return dir.resolve(n);
            }
        }
        throw new JganException(JganException.BAD_DATA, "no " + name + "[.gz] in " + dir);
    }

    /**
     * Recognises a data set: SHA-256 of its first 16 images' bytes.
     *
     * @param s the images
     * @return hex digest
     */
    public static String fingerprint(ImageSet s) {
        return DomainClassifier.sha256(Arrays.copyOf(s.pixels(), Math.min(s.pixels().length, 16 * s.imageSize())));
    }

    /**
     * Trains, measures and writes a classifier folder.
     *
     * @param domain mnist, fashion, or a name for a user's data
     * @param dataDir Fashion-MNIST folder or the user's data, or null
     * @param imageSize for image folders: resize and centre-crop to this side (0: keep)
     * @param epochs passes over the training split
     * @param seed everything random
     * @param out the folder to write
     * @param command the command line, recorded
     * @param log progress
     * @return what was written
     * @throws IOException if writing fails
     */
    public static ClassifierInfo build(String domain, Path dataDir, int imageSize, int epochs, long seed, Path out,
            String command, PrintWriter log) throws IOException {
        Split s = split(domain, dataDir, imageSize, seed);
        int k = s.classes().size();
        try (DomainClassifier c = DomainClassifier.create(k, s.channels(), s.side(), seed)) {
            c.train(s.train(), s.trainLabels(), s.trainCount(), epochs, seed, log);
            DomainClassifier.Output held = c.run(s.heldOut(), s.heldOutCount());
            int right = 0;
            for (int i = 0; i < s.heldOutCount(); i++) {
                right += held.argmax(i) == (s.heldOutLabels()[i] & 0xff) ? 1 : 0;
            }
            double accuracy = right / (double) s.heldOutCount();
            double noiseMaxProb = noiseConfidence(c, 1000, seed + 1);
            log.printf(Locale.ROOT, "classifier: held-out accuracy %.4f (%d/%d), mean max probability on noise %.3f%n",
                    accuracy, right, s.heldOutCount(), noiseMaxProb);

            DomainClassifier.Output ref = c.run(s.train(), s.trainCount());
            int d = DomainClassifier.FEATURES;
            double[] mu = FeatureMath.mean(ref.features(), ref.n(), d);
            double[][] sigma = FeatureMath.covariance(ref.features(), ref.n(), d);
            int kept = Math.min(KEPT_FEATURES, ref.n());
            int[] pick = new Random(seed + 2).ints(0, ref.n()).distinct().limit(kept).toArray();
            float[] keptFeatures = new float[kept * d];
            for (int i = 0; i < kept; i++) {
                System.arraycopy(ref.features(), pick[i] * d, keptFeatures, i * d, d);
            }
            float[] muF = new float[d];
            float[] sigmaF = new float[d * d];
            for (int i = 0; i < d; i++) {
                muF[i] = (float) mu[i];
                for (int j = 0; j < d; j++) {
                    sigmaF[i * d + j] = (float) sigma[i][j];
                }
            }
            Files.createDirectories(out);
            Path weights = out.resolve("classifier.tensors");
            Path reference = out.resolve("reference.tensors");
            Files.deleteIfExists(weights);
            Files.deleteIfExists(reference);
            TensorFile.write(weights, c.tensors());
            TensorFile.write(reference, List.of(new NamedTensor("mu", new long[] {d}, muF),
                    new NamedTensor("sigma", new long[] {d, d}, sigmaF),
                    new NamedTensor("features", new long[] {kept, d}, keptFeatures)));
            ClassifierInfo info = new ClassifierInfo(ClassifierInfo.FORMAT, ClassifierInfo.FORMAT_VERSION, domain,
                    DomainClassifier.ARCHITECTURE, s.classes(), d, s.trainedOn(), s.trainCount(), epochs, seed,
                    s.heldOutSplit(), s.heldOutCount(), accuracy, noiseMaxProb, s.trainedOn(), ref.n(), kept,
                    s.fingerprint(), DomainClassifier.sha256(Files.readAllBytes(weights)),
                    DomainClassifier.sha256(Files.readAllBytes(reference)), command, Version.CURRENT, s.channels(),
                    s.side());
            DomainClassifier.writeInfo(out, info);
            return info;
        }
    }

    /**
     * Mean largest class probability on uniform-noise images (1/classes = perfectly unsure).
     *
     * @param c the classifier
     * @param n images
     * @param seed noise
     * @return the mean
     */
    static double noiseConfidence(DomainClassifier c, int n, long seed) {
        Random rng = new Random(seed);
        float[] x = new float[n * c.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextFloat();
        }
        DomainClassifier.Output o = c.run(x, n);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += o.probabilities()[i * o.classes() + o.argmax(i)];
        }
        return sum / n;
    }
}
