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
