package io.jgan.model;

import java.util.Random;

/**
 * Latent vectors z ~ N(0, 1) drawn with Java's seeded generator, so that the same seed gives the
 * same z on any device and in any process: the trainer's fixed noise, and samples from a trained
 * G or from a checkpoint, all come from here and therefore agree.
 */
public final class LatentNoise {

    private LatentNoise() {}

    /**
     * Draws standard normal values.
     *
     * @param seed seeds the generator
     * @param count how many values (vectors x latentDim)
     * @return the values, row-major (count / latentDim, latentDim)
     */
    public static float[] gaussian(long seed, int count) {
        Random rng = new Random(seed);
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }

    /**
     * Samples are drawn in blocks of this many ids: sample {@code i}'s latent vector comes from
     * block {@code i / ID_BLOCK}'s generator, and G runs on whole blocks, so that sample {@code i}
     * is a function of (seed, i) alone, however the ids are split between calls, processes or
     * Spark partitions (a generator's output row also depends on the batch's row count: GEMM
     * kernels differ by size).
     */
    public static final int ID_BLOCK = 64;

    /**
     * The latent vectors of sample ids {@code from .. from + count - 1}. Block 0 (ids 0..63) is
     * Java's generator seeded with {@code seed} itself, as {@link #gaussian} draws it, so that a
     * small sample is what it always was; block {@code k > 0} is seeded with a SplitMix64 mix of
     * (seed, k), so any block is drawn without drawing the ones before it.
     *
     * @param seed the sample seed
     * @param from first id
     * @param count how many ids
     * @param latent latent size
     * @return (count, latent) row-major
     */
    public static float[] forIds(long seed, long from, int count, int latent) {
        float[] z = new float[count * latent];
        long end = from + count;
        for (long block = from / ID_BLOCK; block * ID_BLOCK < end; block++) {
            float[] v = gaussian(blockSeed(seed, block), ID_BLOCK * latent);
            long lo = Math.max(from, block * ID_BLOCK);
            long hi = Math.min(end, (block + 1) * ID_BLOCK);
            System.arraycopy(v, (int) (lo - block * ID_BLOCK) * latent, z, (int) (lo - from) * latent,
                    (int) (hi - lo) * latent);
        }
        return z;
    }

    /**
     * The generator seed of one block of ids: the seed itself for block 0, else SplitMix64's
     * finaliser of seed + k * golden gamma (well spread for neighbouring seeds and blocks).
     */
    static long blockSeed(long seed, long block) {
        if (block == 0) {
            return seed;
        }
        long x = seed + block * 0x9E3779B97F4A7C15L;
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return x ^ (x >>> 31);
    }

    /**
     * Balanced labels of sample ids: id {@code i} is class {@code i mod k}.
     *
     * @param from first id
     * @param count how many
     * @param k classes
     * @return the labels
     */
    public static int[] cyclicLabels(long from, int count, int k) {
        int[] y = new int[count];
        for (int i = 0; i < count; i++) {
            y[i] = (int) ((from + i) % k);
        }
        return y;
    }

    /** 1 / golden ratio: the fractions of i times it spread evenly over [0, 1) for every run of ids. */
    private static final double GOLDEN = 0.6180339887498949;

    /**
     * The classes of samples whose class nobody asked for: for a conditional model, classes in
     * turn ({@link #cyclicLabels(long, int, int)}, balanced); for a self-conditioned one, its
     * clusters in their shares of the data, id {@code i} taking the cluster whose stretch of the
     * cumulative shares holds the fraction of {@code i / golden ratio} (a low-discrepancy sequence:
     * any run of n ids comes within a few samples of the shares, and each id's cluster is a
     * function of the id alone, so that ids split over calls or processes agree).
     *
     * @param model the generator's model (conditional)
     * @param from first id
     * @param count how many
     * @return the labels
     */
    public static int[] unaskedLabels(io.jgan.config.ModelConfig model, long from, int count) {
        if (!model.selfConditioned()) {
            return cyclicLabels(from, count, model.classes());
        }
        java.util.List<Double> shares = model.clusterShares();
        double[] cumulative = new double[shares.size()];
        double total = 0;
        for (int c = 0; c < cumulative.length; c++) {
            total += shares.get(c);
            cumulative[c] = total;
        }
        int[] y = new int[count];
        for (int i = 0; i < count; i++) {
            double u = (from + i) * GOLDEN;
            u = (u - Math.floor(u)) * total;
            int c = 0;
            while (c < cumulative.length - 1 && u >= cumulative[c]) {
                c++;
            }
            y[i] = c;
        }
        return y;
    }

    /**
     * Labels 0, 1, ..., k-1, 0, 1, ...: balanced classes for a conditional generator's samples.
     *
     * @param n how many
     * @param k classes
     * @return the labels
     */
    public static int[] cyclicLabels(int n, int k) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % k;
        }
        return y;
    }

    /**
     * Appends one-hot class codes to latent vectors: a conditional G's input.
     *
     * @param z (n, latent) row-major
     * @param labels n class indices
     * @param latent z size
     * @param k classes
     * @return (n, latent + k) row-major
     */
    public static float[] withOneHot(float[] z, int[] labels, int latent, int k) {
        int n = labels.length;
        float[] out = new float[n * (latent + k)];
        for (int i = 0; i < n; i++) {
            System.arraycopy(z, i * latent, out, i * (latent + k), latent);
            out[i * (latent + k) + latent + labels[i]] = 1f;
        }
        return out;
    }
}
