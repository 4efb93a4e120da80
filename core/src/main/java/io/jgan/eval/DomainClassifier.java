package io.jgan.eval;

import io.jgan.JganException;
import io.jgan.checkpoint.TensorFile;
import io.jgan.data.Permutation;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.format.Json;
import io.jgan.format.NamedTensor;
import io.jgan.model.Block;
import io.jgan.model.Conv2d;
import io.jgan.model.Init;
import io.jgan.model.InvertedDropout;
import io.jgan.model.Lambda;
import io.jgan.model.Linear;
import io.jgan.model.Network;
import io.jgan.model.Sequential;
import io.jgan.optim.Adam;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A small convolutional classifier of images (28x28 gray for the shipped ones; any channel count
 * and a square side of 16 to 128 for one trained on a user's data) whose penultimate layer is the feature
 * space of jgan's quality metrics (FCD, KID, precision/recall), as Inception-v3's pool layer is
 * for FID on photographs. Inception features mean nothing on 28x28 digits (TF-GAN's MNIST
 * evaluation uses a small MNIST classifier for the same reason).
 *
 * <p>Architecture {@value #ARCHITECTURE}: input (N, C*S*S) in [0, 1] reshaped to (N, C, S, S);
 * Conv 5x5x32 ReLU MaxPool2 (N, 32, a, a), a = (S - 4) / 2; Conv 5x5x64 ReLU MaxPool2 (N, 64, b, b),
 * b = (a - 4) / 2; flatten (N, 64 b^2); Linear 128 ReLU (N, 128) = the features; Dropout 0.3
 * (training only); Linear K (N, K) logits. For 1x28x28: a = 12, b = 4, 1,024 inputs to the
 * features; for CIFAR-10's 3x32x32: a = 14, b = 5, 1,600.
 *
 * <p>It is trained to be unsure of noise: a quarter of every batch is junk (uniform noise,
 * salt-and-pepper, smooth blobs) with the uniform distribution as its target, so early GAN
 * samples do not get a confident "8" that would make every class-based score lie.
 */
public final class DomainClassifier implements AutoCloseable {

    /** Architecture name and version, stored with the weights. */
    public static final String ARCHITECTURE = "jgan-lenet-128 v1";
    /** Side of the images the shipped classifiers read. */
    public static final int SIDE = 28;
    /** Smallest side the architecture takes (two 5x5 convolutions and two poolings leave 1x1). */
    public static final int MIN_SIDE = 16;
    /** Feature vector size. */
    public static final int FEATURES = 128;

    private final Network network;
    private final Block features;
    private final Block head;
    private final int classes;
    private final int channels;
    private final int side;

    private DomainClassifier(int classes, int channels, int side, long seed) {
        this.classes = classes;
        this.channels = channels;
        this.side = side;
        int a = (side - 4) / 2;
        int b = (a - 4) / 2;
        int flat = 64 * b * b;
        // PyTorch's default start for every layer: U(+-1/sqrt(fan in)) for weights and biases
        this.features = new Sequential()
                .add(Lambda.reshape(channels, side, side))
                .add(new Conv2d(32, 5, 1, 0, Init.fanIn(channels * 25), Init.fanIn(channels * 25))) // (N, 32, S-4, S-4)
                .add(Lambda.relu())
                .add(maxPool2()) // (N, 32, a, a)
                .add(new Conv2d(64, 5, 1, 0, Init.fanIn(32 * 25), Init.fanIn(32 * 25))) // (N, 64, a-4, a-4)
                .add(Lambda.relu())
                .add(maxPool2()) // (N, 64, b, b)
                .add(Lambda.flatten()) // (N, 64 b^2)
                .add(new Linear(FEATURES, Init.fanIn(flat), Init.fanIn(flat))) // (N, 128)
                .add(Lambda.relu()); // the features
        this.head = new Linear(classes, Init.fanIn(FEATURES), Init.fanIn(FEATURES)); // (N, classes) logits
        Block all = new Sequential().add(features).add(new InvertedDropout(0.3f)).add(head);
        Torch.seed(seed);
        this.network = new Network("classifier", all, channels * side * side);
    }

    /** 2x2 max pooling, stride 2: side halves. */
    private static Lambda maxPool2() {
        return new Lambda(x -> torch.max_pool2d(x, new long[] {2, 2}, new long[] {2, 2}, new long[] {0, 0},
                new long[] {1, 1}, false));
    }

    /**
     * A freshly initialised classifier of 1x28x28 images.
     *
     * @param classes number of classes
     * @param seed initialisation seed
     * @return the classifier
     */
    public static DomainClassifier create(int classes, long seed) {
        return new DomainClassifier(classes, 1, SIDE, seed);
    }

    /**
     * A freshly initialised classifier of CxSxS images.
     *
     * @param classes number of classes
     * @param channels 1 or 3
     * @param side the images' side, {@link #MIN_SIDE} or more
     * @param seed initialisation seed
     * @return the classifier
     */
    public static DomainClassifier create(int classes, int channels, int side, long seed) {
        return new DomainClassifier(classes, channels, side, seed);
    }

    /** @return values in one image it reads, C*S*S */
    public int inputSize() {
        return channels * side * side;
    }

    /** @return the shape of the images it reads, e.g. 1x28x28 */
    public String inputShape() {
        return channels + "x" + side + "x" + side;
    }

    /**
     * Loads weights written by {@link #save}.
     *
     * @param tensors the weights
     * @param classes number of classes
     * @param channels the images' channels
     * @param side the images' side
     * @return the classifier
     * @throws JganException if the tensors do not fit the architecture
     */
    public static DomainClassifier load(List<NamedTensor> tensors, int classes, int channels, int side) {
        DomainClassifier c = new DomainClassifier(classes, channels, side, 0);
        try {
            c.network.copyFrom(tensors);
        } catch (IllegalArgumentException e) {
            c.close();
            throw new JganException(JganException.BAD_CHECKPOINT,
                    "classifier weights do not fit " + ARCHITECTURE + ": " + e.getMessage());
        }
        return c;
    }

    /** @return the weights, for {@link TensorFile} */
    public List<NamedTensor> tensors() {
        return network.toTensors();
    }

    /**
     * Features and class probabilities of images, in inference mode.
     *
     * @param images (n, C*S*S) values in [0, 1]
     * @param n how many
     * @return features (n, 128) and probabilities (n, classes)
     */
    public Output run(float[] images, int n) {
        float[] f = new float[n * FEATURES];
        float[] p = new float[n * classes];
        int batch = 500;
        // Every batch is a whole 500 rows, the last padded with zero images: a row's features then
        // depend on its image alone, not on how many images came with it (GEMM and convolution
        // kernels differ by batch size), so images split over Spark partitions measure the same.
        int d = inputSize();
        for (int start = 0; start < n; start += batch) {
            int b = Math.min(batch, n - start);
            try (Scope batchScope = Scope.open(); Torch.NoGrad off = Torch.noGrad()) {
                float[] rows = new float[batch * d];
                System.arraycopy(images, start * d, rows, 0, b * d);
                Tensor x = Torch.tensor(rows, batch, d);
                Tensor feat = features.forward(x, false); // (500, 128)
                Tensor logits = head.forward(feat, false); // (500, classes)
                System.arraycopy(Torch.floats(feat), 0, f, start * FEATURES, b * FEATURES);
                System.arraycopy(Torch.floats(torch.softmax(logits, 1, new org.bytedeco.pytorch.ScalarTypeOptional())), 0,
                        p, start * classes, b * classes);
            }
        }
        return new Output(f, p, n);
    }

    /**
     * Features and class probabilities of n images.
     *
     * @param features (n, 128) row-major
     * @param probabilities (n, classes) row-major
     * @param n count
     */
    public record Output(float[] features, float[] probabilities, int n) {

        /** @return the number of classes */
        public int classes() {
            return probabilities.length / n;
        }

        /**
         * Returns the most probable class of image i.
         *
         * @param i the image
         * @return its class index
         */
        public int argmax(int i) {
            int k = classes();
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (probabilities[i * k + c] > probabilities[i * k + best]) {
                    best = c;
                }
            }
            return best;
        }
    }

    /**
     * Trains the classifier: Adam 1e-3, batch 128 of which 32 are junk with a uniform target,
     * real images shifted by up to 2 pixels.
     *
     * @param images (count, C*S*S) in [0, 1]
     * @param labels class per image
     * @param count images
     * @param epochs passes
     * @param seed data order, shifts and junk
     * @param log progress lines
     */
    public void train(float[] images, byte[] labels, int count, int epochs, long seed, java.io.PrintWriter log) {
        int realPerBatch = 96;
        int junkPerBatch = 32;
        int b = realPerBatch + junkPerBatch;
        Random rng = new Random(seed);
        int d = inputSize();
        float[] x = new float[b * d];
        float[] t = new float[b * classes];
        try (Adam adam = Adam.create(network.trainableParameters(), new Adam.Settings(1e-3, 0.9, 0.999, 1e-8))) {
            for (int epoch = 1; epoch <= epochs; epoch++) {
                int[] order = Permutation.of(count, rng);
                double lossSum = 0;
                int steps = 0;
                for (int start = 0; start + realPerBatch <= count; start += realPerBatch) {
                    java.util.Arrays.fill(t, 0f);
                    for (int i = 0; i < realPerBatch; i++) {
                        int k = order[start + i];
                        shifted(images, k, rng.nextInt(5) - 2, rng.nextInt(5) - 2, x, i);
                        t[i * classes + (labels[k] & 0xff)] = 1f;
                    }
                    for (int i = realPerBatch; i < b; i++) {
                        for (int c = 0; c < channels; c++) {
                            NoClassImages.draw(rng, x, (i * channels + c) * side * side, side);
                        }
                        java.util.Arrays.fill(t, i * classes, (i + 1) * classes, 1f / classes);
                    }
                    try (Scope stepScope = Scope.open()) {
                        Tensor xa = Torch.tensor(x, b, d);
                        Tensor ta = Torch.tensor(t, b, classes);
                        Tensor logits = network.forward(xa, true);
                        // cross-entropy against soft targets: -sum_c t_c log softmax(logits)_c
                        Tensor loss = torch.log_softmax(logits, 1).mul(ta)
                                .sum(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()).neg().mean();
                        loss.backward();
                        lossSum += Torch.item(loss);
                        adam.step();
                    }
                    steps++;
                }
                if (log != null) {
                    log.printf(java.util.Locale.ROOT, "classifier: epoch %d/%d, loss %.4f%n", epoch, epochs,
                            lossSum / Math.max(1, steps));
                    log.flush();
                }
            }
        }
    }

    /** Copies image k shifted by (dx, dy), zero-filled, into slot i of x, every channel alike. */
    private void shifted(float[] images, int k, int dx, int dy, float[] x, int i) {
        int plane = side * side;
        for (int ch = 0; ch < channels; ch++) {
            int src = (k * channels + ch) * plane;
            int dst = (i * channels + ch) * plane;
            for (int y = 0; y < side; y++) {
                int sy = y - dy;
                for (int c = 0; c < side; c++) {
                    int sx = c - dx;
                    x[dst + y * side + c] = sy >= 0 && sy < side && sx >= 0 && sx < side
                            ? images[src + sy * side + sx] : 0f;
                }
            }
        }
    }

    /**
     * SHA-256 of a file, hex.
     *
     * @param bytes the file's bytes
     * @return the digest
     */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * Reads a resource or file fully.
     *
     * @param in the stream
     * @return its bytes
     * @throws IOException if reading fails
     */
    static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    /**
     * Writes {@code classifier.json} next to the two tensor files.
     *
     * @param dir the folder
     * @param info the description
     * @throws IOException if writing fails
     */
    static void writeInfo(Path dir, ClassifierInfo info) throws IOException {
        Files.write(dir.resolve("classifier.json"), Json.MAPPER.writeValueAsBytes(info));
    }

    @Override
    public void close() {
        network.close();
    }
}
