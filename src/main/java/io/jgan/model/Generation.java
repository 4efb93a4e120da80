package io.jgan.model;

import io.jgan.config.ModelConfig;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;

/**
 * Runs a generator on given latent vectors in inference mode (batch norm from its running
 * statistics, no dropout), appending the one-hot class code for a conditional model: one way to
 * generate, for the trainer's grids and the sampler alike.
 */
public final class Generation {

    private Generation() {}

    /**
     * Generates one sample per latent vector.
     *
     * @param generator G
     * @param model its config
     * @param z (n, latentDim) row-major
     * @param labels for a conditional model, n classes (null: 0, 1, ..., k-1, 0, ... in turn);
     *     ignored otherwise
     * @return (n, dataDim) row-major samples in the model's pixel range
     */
    public static float[] run(Network generator, ModelConfig model, float[] z, int[] labels) {
        int latent = Family.of(model).imageToImage() ? model.dataDim() : model.latentDim(); // pix2pix: G is given images
        if (z.length % latent != 0) {
            throw new IllegalArgumentException("z has " + z.length + " values, not a multiple of " + latent);
        }
        int n = z.length / latent;
        float[] in = z;
        if (model.conditional()) {
            int[] y = labels != null ? labels : LatentNoise.cyclicLabels(n, model.classes());
            in = LatentNoise.withOneHot(z, y, latent, model.classes()); // (n, latentDim + classes)
        }
        try (Scope scope = Scope.open(); Torch.NoGrad off = Torch.noGrad(); Torch.Autocast ac = Torch.autocast()) {
            return Torch.floats(generator.forward(Torch.tensor(in, n, Family.of(model).generatorInputDim(model)), false));
        }
    }

    /**
     * Runs an image-to-image generator (pix2pix) on images in batches of 256, in inference mode
     * (dropout, its noise, stays on).
     *
     * @param generator G
     * @param model its config
     * @param images (n, dataDim) in the model's pixel range
     * @param n how many
     * @return (n, dataDim) translations
     */
    public static float[] translate(Network generator, ModelConfig model, float[] images, int n) {
        int dim = model.dataDim();
        if (images.length != n * dim) {
            throw new IllegalArgumentException("images have " + images.length + " values, expected " + n + " x " + dim);
        }
        float[] out = new float[images.length];
        for (int s = 0; s < n; s += 256) {
            int k = Math.min(256, n - s);
            float[] part = run(generator, model, java.util.Arrays.copyOfRange(images, s * dim, (s + k) * dim), null);
            System.arraycopy(part, 0, out, s * dim, part.length);
        }
        return out;
    }
}
