package io.jgan.train;

import io.jgan.checkpoint.CheckpointSchema;
import io.jgan.config.ModelConfig;
import io.jgan.format.ImageGrid;
import io.jgan.format.NamedTensor;
import io.jgan.model.Generation;
import io.jgan.model.LatentNoise;
import io.jgan.model.Network;
import java.util.List;

/**
 * The fixed test noise whose samples are saved through training (the tutorials' {@code
 * test_noise}), and the layout of the grid they make: a square grid, or for a conditional model
 * one row per class with the same noise vectors in its columns.
 */
public final class FixedNoise {

    private final ModelConfig model;
    private final float[] vectors; // (count, latentDim), row-major

    /**
     * Draws the vectors.
     *
     * @param model the model they feed
     * @param count how many vectors
     * @param seed the run's seed
     */
    FixedNoise(ModelConfig model, int count, long seed) {
        this.model = model;
        this.vectors = LatentNoise.gaussian(seed * 31 + 7, count * model.latentDim());
    }

    /** @return how many vectors */
    int count() {
        return vectors.length / model.latentDim();
    }

    /** @return the vectors as the checkpoint part's one tensor, (count, latentDim) */
    NamedTensor toTensor() {
        return new NamedTensor(CheckpointSchema.FIXED_NOISE_TENSOR, new long[] {count(), model.latentDim()},
                vectors.clone());
    }

    /**
     * Takes the vectors back from a checkpoint part.
     *
     * @param saved the part's tensors
     * @throws IllegalArgumentException if it is not one tensor of this size
     */
    void restore(List<NamedTensor> saved) {
        if (saved.size() != 1 || saved.get(0).data().length != vectors.length) {
            throw new IllegalArgumentException("fixed noise has the wrong size");
        }
        System.arraycopy(saved.get(0).data(), 0, vectors, 0, vectors.length);
    }

    /** @return samples in the grid: the vector count, or classes x columns */
    public int sampleCount() {
        return model.conditional() ? model.classes() * gridColumns() : count();
    }

    /** @return columns of the grid: square, or at most 10 per class row */
    public int gridColumns() {
        return model.conditional() ? Math.min(10, count()) : ImageGrid.squareRow(count());
    }

    /**
     * Runs a generator on the grid's inputs.
     *
     * @param generator G (or its average)
     * @return (sampleCount, dataDim) row-major samples in the model's pixel range
     */
    float[] samples(Network generator) {
        if (!model.conditional()) {
            return Generation.run(generator, model, vectors, null);
        }
        // one row per class, one column per fixed noise vector: (classes * columns, latentDim)
        int latent = model.latentDim();
        int cols = gridColumns();
        int k = model.classes();
        float[] z = new float[k * cols * latent];
        int[] rowLabels = new int[k * cols];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < cols; j++) {
                System.arraycopy(vectors, j * latent, z, (c * cols + j) * latent, latent);
                rowLabels[c * cols + j] = c;
            }
        }
        return Generation.run(generator, model, z, rowLabels);
    }
}
