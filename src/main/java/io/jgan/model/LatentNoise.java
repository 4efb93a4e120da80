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
}
