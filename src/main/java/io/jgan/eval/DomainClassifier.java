package io.jgan.eval;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import io.jgan.JganException;
import io.jgan.checkpoint.TensorFile;
import io.jgan.data.Permutation;
import io.jgan.format.Json;
import io.jgan.format.NamedTensor;
import io.jgan.model.InvertedDropout;
import io.jgan.model.Network;
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

/**
 * A small convolutional classifier of 28x28 gray images whose penultimate layer is the feature
 * space of jgan's quality metrics (FCD, KID, precision/recall), as Inception-v3's pool layer is
 * for FID on photographs. Inception features mean nothing on 28x28 digits (TF-GAN's MNIST
 * evaluation uses a small MNIST classifier for the same reason).
 *
 * <p>Architecture {@value #ARCHITECTURE}: input (N, 784) in [0, 1] reshaped to (N, 1, 28, 28);
 * Conv 5x5x32 ReLU MaxPool2 (N, 32, 12, 12); Conv 5x5x64 ReLU MaxPool2 (N, 64, 4, 4); flatten
 * (N, 1024); Linear 128 ReLU (N, 128) = the features; Dropout 0.3 (training only); Linear 10
 * (N, 10) logits.
 *
 * <p>It is trained to be unsure of noise: a quarter of every batch is junk (uniform noise,
 * salt-and-pepper, smooth blobs) with the uniform distribution as its target, so early GAN
 * samples do not get a confident "8" that would make every class-based score lie.
 */
public final class DomainClassifier implements AutoCloseable {

    /** Architecture name and version, stored with the weights. */
    public static final String ARCHITECTURE = "jgan-lenet-128 v1";
    /** Side of the images it reads. */
    public static final int SIDE = 28;
    /** Feature vector size. */
    public static final int FEATURES = 128;

    private final NDManager manager;
    private final Network network;
    private final Block features;
    private final Block head;
    private final int classes;

    private DomainClassifier(int classes, long seed) {
        this.classes = classes;
        this.manager = NDManager.newBaseManager();
        this.features = new SequentialBlock()
                .add(new LambdaBlock(x -> new NDList(x.singletonOrThrow().reshape(-1, 1, SIDE, SIDE))))
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(32).build()) // (N, 32, 24, 24)
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2))) // (N, 32, 12, 12)
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(64).build()) // (N, 64, 8, 8)
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2))) // (N, 64, 4, 4)
                .add(Blocks.batchFlattenBlock()) // (N, 1024)
                .add(Linear.builder().setUnits(FEATURES).build()) // (N, 128)
                .add(Activation.reluBlock()); // the features
        this.head = Linear.builder().setUnits(classes).build(); // (N, classes) logits
        Block all = new SequentialBlock().add(features).add(new InvertedDropout(0.3f)).add(head);
        Engine.getInstance().setRandomSeed((int) seed);
        this.network = new Network("classifier", all, manager, SIDE * SIDE);
    }

    /**
     * A freshly initialised classifier.
     *
     * @param classes number of classes
     * @param seed initialisation seed
     * @return the classifier
     */
    public static DomainClassifier create(int classes, long seed) {
        return new DomainClassifier(classes, seed);
    }

    /**
     * Loads weights written by {@link #save}.
     *
     * @param tensors the weights
     * @param classes number of classes
     * @return the classifier
     * @throws JganException if the tensors do not fit the architecture
     */
    public static DomainClassifier load(List<NamedTensor> tensors, int classes) {
        DomainClassifier c = new DomainClassifier(classes, 0);
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
     * @param images (n, 784) values in [0, 1]
     * @param n how many
     * @return features (n, 128) and probabilities (n, classes)
     */
    public Output run(float[] images, int n) {
        float[] f = new float[n * FEATURES];
        float[] p = new float[n * classes];
        int batch = 500;
        for (int start = 0; start < n; start += batch) {
            int b = Math.min(batch, n - start);
            try (NDManager m = manager.newSubManager()) {
                NDArray x = m.create(java.util.Arrays.copyOfRange(images, start * SIDE * SIDE, (start + b) * SIDE * SIDE),
                        new Shape(b, SIDE * SIDE));
                NDArray feat = network.forward(features, x, false); // (b, 128)
                NDArray logits = network.forward(head, feat, false); // (b, classes)
                System.arraycopy(feat.toFloatArray(), 0, f, start * FEATURES, b * FEATURES);
                System.arraycopy(logits.softmax(1).toFloatArray(), 0, p, start * classes, b * classes);
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
     * @param images (count, 784) in [0, 1]
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
        float[] x = new float[b * SIDE * SIDE];
        float[] t = new float[b * classes];
        try (Adam adam = Adam.create(network.trainableParameters(), new Adam.Settings(1e-3, 0.9, 0.999, 1e-8), manager)) {
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
                        NoClassImages.draw(rng, x, i * SIDE * SIDE);
                        java.util.Arrays.fill(t, i * classes, (i + 1) * classes, 1f / classes);
                    }
                    try (NDManager m = manager.newSubManager()) {
                        NDArray xa = m.create(x, new Shape(b, SIDE * SIDE));
                        NDArray ta = m.create(t, new Shape(b, classes));
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray logits = network.forward(xa, true);
                            // cross-entropy against soft targets: -sum_c t_c log softmax(logits)_c
                            NDArray loss = logits.logSoftmax(1).mul(ta).sum(new int[] {1}).neg().mean();
                            gc.backward(loss);
                            lossSum += loss.getFloat();
                        }
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

    /** Copies image k shifted by (dx, dy), zero-filled, into slot i of x. */
    private static void shifted(float[] images, int k, int dx, int dy, float[] x, int i) {
        int src = k * SIDE * SIDE;
        int dst = i * SIDE * SIDE;
        for (int y = 0; y < SIDE; y++) {
            int sy = y - dy;
            for (int c = 0; c < SIDE; c++) {
                int sx = c - dx;
                x[dst + y * SIDE + c] = sy >= 0 && sy < SIDE && sx >= 0 && sx < SIDE ? images[src + sy * SIDE + sx] : 0f;
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
        manager.close();
    }
}
