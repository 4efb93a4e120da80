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
            int[] y = labels != null ? labels : LatentNoise.unaskedLabels(model, 0, n);
            in = LatentNoise.withOneHot(z, y, latent, model.classes()); // (n, latentDim + classes)
        }
        try (Scope scope = Scope.open(); Torch.NoGrad off = Torch.noGrad(); Torch.Autocast ac = Torch.autocast()) {
            return Torch.floats(generator.forward(Torch.tensor(in, n, Family.of(model).generatorInputDim(model)), false));
        }
    }

    /**
     * Generates the samples with ids {@code from .. from + count - 1}: sample {@code i} is a
     * function of (seed, i, label) alone. Its latent vector is {@link LatentNoise#forIds}'s, its
     * class (conditional G, no label) {@code i mod classes}, and G runs on the whole aligned block
     * of {@link LatentNoise#ID_BLOCK} ids that holds it, because a row's output also depends on the
     * batch's row count (GEMM kernels differ by size): ids split over calls, processes or Spark
     * partitions give the same pixels, bit for bit, as one call.
     *
     * @param generator G
     * @param model its config
     * @param seed noise seed
     * @param from first id
     * @param count how many
     * @param label every sample's class, or null
     * @return (count, dataDim) row-major samples in the model's pixel range
     */
    public static float[] sampleIds(Network generator, ModelConfig model, long seed, long from, int count,
            Integer label) {
        int block = LatentNoise.ID_BLOCK;
        int dim = model.dataDim();
        float[] out = new float[Math.multiplyExact(count, dim)];
        long end = from + count;
        for (long b = from / block; b * block < end; b++) {
            long first = b * block;
            float[] z = LatentNoise.forIds(seed, first, block, model.latentDim()); // (64, latentDim)
            int[] y = null;
            if (model.conditional() && label != null) {
                y = new int[block];
                java.util.Arrays.fill(y, label);
            } else if (model.conditional()) {
                y = LatentNoise.unaskedLabels(model, first, block);
            }
            float[] x = run(generator, model, z, y); // (64, dataDim)
            long lo = Math.max(from, first);
            long hi = Math.min(end, first + block);
            System.arraycopy(x, (int) (lo - first) * dim, out, (int) (lo - from) * dim, (int) (hi - lo) * dim);
        }
        return out;
    }

    /**
     * Runs G on the rows of z in blocks of {@link LatentNoise#ID_BLOCK}, the last padded with zero
     * rows: the block size {@link #sampleIds} uses, so that given latent vectors give the pixels
     * the sampler gives for them.
     *
     * @param generator G
     * @param model its config
     * @param z (n, latentDim) row-major
     * @param labels n classes for a conditional G, else null
     * @param n rows
     * @return (n, dataDim) row-major samples
     */
    public static float[] inBlocks(Network generator, ModelConfig model, float[] z, int[] labels, int n) {
        int latent = model.latentDim();
        int block = LatentNoise.ID_BLOCK;
        int dim = model.dataDim();
        float[] out = new float[Math.multiplyExact(n, dim)];
        for (int s = 0; s < n; s += block) {
            int k = Math.min(block, n - s);
            float[] zb = new float[block * latent];
            System.arraycopy(z, s * latent, zb, 0, k * latent);
            int[] yb = null;
            if (labels != null) {
                yb = new int[block];
                System.arraycopy(labels, s, yb, 0, k);
            }
            float[] x = run(generator, model, zb, yb);
            System.arraycopy(x, 0, out, s * dim, k * dim);
        }
        return out;
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
