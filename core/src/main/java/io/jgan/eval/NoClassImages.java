package io.jgan.eval;

import java.util.Random;

/**
 * Images that are no class at all, for teaching the domain classifier to be unsure: the kinds of
 * noise an untrained or collapsed GAN produces.
 */
final class NoClassImages {

    private NoClassImages() {}

    /**
     * Draws one side x side junk plane into {@code x[offset..offset+side^2)}, values in [0, 1].
     *
     * @param rng the source of randomness
     * @param x destination
     * @param offset first index
     * @param side the plane's side (28 for the shipped classifiers)
     */
    static void draw(Random rng, float[] x, int offset, int side) {
        int n = side * side;
        switch (rng.nextInt(3)) {
            case 0 -> { // uniform noise, at a random contrast
                float hi = 0.2f + 0.8f * rng.nextFloat();
                for (int i = 0; i < n; i++) {
                    x[offset + i] = hi * rng.nextFloat();
                }
            }
            case 1 -> { // salt and pepper: a saturated tanh generator's look
                float density = 0.05f + 0.6f * rng.nextFloat();
                for (int i = 0; i < n; i++) {
                    x[offset + i] = rng.nextFloat() < density ? 1f : 0f;
                }
            }
            default -> { // smooth blobs: a 7x7 random field, bilinearly upsampled and thresholded softly
                float[] g = new float[49];
                for (int i = 0; i < g.length; i++) {
                    g[i] = rng.nextFloat();
                }
                float cut = 0.3f + 0.5f * rng.nextFloat();
                for (int y = 0; y < side; y++) {
                    float fy = y * 6f / (side - 1);
                    int y0 = Math.min(5, (int) fy);
                    float wy = fy - y0;
                    for (int c = 0; c < side; c++) {
                        float fx = c * 6f / (side - 1);
                        int x0 = Math.min(5, (int) fx);
                        float wx = fx - x0;
                        float v = (1 - wy) * ((1 - wx) * g[y0 * 7 + x0] + wx * g[y0 * 7 + x0 + 1])
                                + wy * ((1 - wx) * g[(y0 + 1) * 7 + x0] + wx * g[(y0 + 1) * 7 + x0 + 1]);
                        x[offset + y * side + c] = Math.max(0f, Math.min(1f, (v - cut) * 4f + 0.5f));
                    }
                }
            }
        }
    }
}
