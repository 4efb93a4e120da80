package io.jgan.sample;

import io.jgan.JganException;
import io.jgan.checkpoint.CheckpointManifest;
import io.jgan.checkpoint.CheckpointSchema;
import io.jgan.checkpoint.Checkpoints;
import io.jgan.config.ModelConfig;
import io.jgan.format.NamedTensor;
import io.jgan.model.Family;
import io.jgan.model.Generation;
import io.jgan.model.LatentNoise;
import io.jgan.model.Network;
import java.nio.file.Path;
import java.util.List;

/**
 * A trained generator rebuilt from a checkpoint alone: the manifest's model config gives the
 * architecture, {@code generator.tensors} the weights. Nothing of the training code is needed.
 *
 * <pre>{@code
 * try (Sampler g = Sampler.load(Path.of("runs/my-run"))) {
 *     float[] images = g.sample(64, 42); // (64, 784) in the model's pixel range
 * }
 * }</pre>
 */
public final class Sampler implements AutoCloseable {

    private final Network generator;
    private final CheckpointManifest manifest;
    private final Path checkpoint;

    private Sampler(Network generator, CheckpointManifest manifest, Path checkpoint) {
        this.generator = generator;
        this.manifest = manifest;
        this.checkpoint = checkpoint;
    }

    /**
     * Loads the generator of a run (its newest checkpoint) or of one checkpoint folder.
     *
     * @param runOrCheckpoint a run folder or checkpoint folder
     * @return the sampler; close it to free native memory
     * @throws JganException if the checkpoint is missing, corrupt, or does not match its config
     */
    public static Sampler load(Path runOrCheckpoint) {
        Path dir = Checkpoints.resolve(runOrCheckpoint);
        CheckpointManifest manifest = Checkpoints.readManifest(dir);
        ModelConfig model = manifest.config().model();
        try {
            Family.of(model).validate(model);
        } catch (JganException e) {
            throw new JganException(JganException.BAD_CHECKPOINT, "checkpoint " + dir + " names a model this jgan"
                    + " cannot build: " + e.getMessage());
        }
        // G's weight average when the run kept one (--ema): that is what users sample from
        List<NamedTensor> tensors = Checkpoints.readPart(dir, CheckpointSchema.samplingPart(manifest.contents()));
        Network g = Family.of(model).newGenerator(CheckpointSchema.GENERATOR, model);
        try {
            copyInto(g, tensors, dir);
            return new Sampler(g, manifest, dir);
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
    }

    /** Writes saved tensors into the network; a mismatch is a bad checkpoint, not a bug. */
    private static void copyInto(Network network, List<NamedTensor> tensors, Path dir) {
        try {
            network.copyFrom(tensors);
        } catch (IllegalArgumentException e) {
            throw mismatch(dir, e.getMessage());
        }
    }

    private static JganException mismatch(Path dir, String what) {
        return new JganException(JganException.BAD_CHECKPOINT,
                "checkpoint " + dir + " does not match its model config: " + what);
    }

    /**
     * Draws samples from z ~ N(0, 1) seeded by {@code seed} (Java's generator, so the same seed
     * gives the same samples on any device): sample ids 0..n-1 of {@link #sampleIds}.
     *
     * @param n how many
     * @param seed noise seed
     * @return (n, dataDim) row-major values in the model's pixel range
     */
    public float[] sample(int n, long seed) {
        return sampleIds(seed, 0, n, null);
    }

    /**
     * Draws samples of one class from a conditional generator.
     *
     * @param n how many
     * @param seed noise seed
     * @param label the class
     * @return (n, dataDim) row-major samples
     */
    public float[] sample(int n, long seed, int label) {
        return sampleIds(seed, 0, n, label);
    }

    /**
     * Draws the samples with ids {@code from .. from + count - 1}. Sample {@code i} is a function
     * of (seed, i, label) alone: its latent vector is {@link LatentNoise#forIds}'s, its class (for
     * a conditional G without {@code label}) is {@code i mod classes}, and G runs on the whole
     * aligned block of {@link LatentNoise#ID_BLOCK} ids that holds it. So ids split over calls,
     * processes or Spark partitions give the same pixels, bit for bit, as one call.
     *
     * @param seed noise seed
     * @param from first id (0 or more)
     * @param count how many (0 or more)
     * @param label the class for every sample, or null (conditional G: id mod classes)
     * @return (count, dataDim) row-major samples in the model's pixel range
     */
    public float[] sampleIds(long seed, long from, int count, Integer label) {
        ModelConfig m = manifest.config().model();
        requireLatent(m);
        if (from < 0 || count < 0) {
            throw new IllegalArgumentException("ids from " + from + ", count " + count);
        }
        if (label != null) {
            requireLabel(m, label);
        }
        return Generation.sampleIds(generator, m, seed, from, count, label);
    }

    /**
     * Runs a conditional G on given latent vectors and labels.
     *
     * @param z (n, latentDim) row-major
     * @param labels n classes
     * @return (n, dataDim) row-major samples
     */
    public float[] generate(float[] z, int[] labels) {
        ModelConfig m = manifest.config().model();
        requireLatent(m);
        if (!m.conditional()) {
            throw new JganException(JganException.USAGE, "this generator is not conditional: it takes no --label");
        }
        for (int y : labels) {
            requireLabel(m, y);
        }
        return Generation.inBlocks(generator, m, z, labels, labels.length);
    }

    /**
     * Runs G on given latent vectors, in inference mode.
     *
     * @param z (n, latentDim) row-major
     * @param n how many vectors
     * @return (n, dataDim) row-major samples
     */
    public float[] generate(float[] z, int n) {
        ModelConfig model = manifest.config().model();
        requireLatent(model);
        int latent = model.latentDim();
        if (z.length != n * latent) {
            throw new IllegalArgumentException("z has " + z.length + " values, expected " + n + " x " + latent);
        }
        // conditional: balanced classes 0, 1, ..., k-1, 0, ...
        return Generation.inBlocks(generator, model, z, model.conditional() ? LatentNoise.unaskedLabels(model, 0, n) : null, n);
    }

    /**
     * Checks that a generator takes a class, and this one.
     *
     * @param m the generator's model
     * @param y the class asked for
     * @throws JganException (usage) for an unconditional generator or a class it lacks
     */
    public static void requireLabel(ModelConfig m, int y) {
        if (!m.conditional()) {
            throw new JganException(JganException.USAGE, "this generator is not conditional: it takes no --label");
        }
        if (y < 0 || y >= m.classes()) {
            throw new JganException(JganException.USAGE, "--label " + y + " is not a class of this generator: use 0.."
                    + (m.classes() - 1));
        }
    }

    /** An image-to-image generator takes images, not latent vectors. */
    private static void requireLatent(ModelConfig m) {
        if (Family.of(m).imageToImage()) {
            throw new JganException(JganException.USAGE, "this is an image-to-image generator (" + m.family()
                    + "): it translates images rather than sampling noise; use jgan translate");
        }
    }

    /**
     * Runs an image-to-image generator (pix2pix) on input images, in inference mode.
     *
     * @param images (n, dataDim) in the model's pixel range
     * @param n how many
     * @return (n, dataDim) translations
     */
    public float[] translate(float[] images, int n) {
        ModelConfig m = manifest.config().model();
        if (!Family.of(m).imageToImage()) {
            throw new JganException(JganException.USAGE, "this generator (" + m.family() + ") samples noise; it does not"
                    + " translate images: use jgan sample");
        }
        return Generation.translate(generator, m, images, n);
    }

    /** @return the model config saved with the generator */
    public ModelConfig model() {
        return manifest.config().model();
    }

    /** @return the checkpoint's manifest */
    public CheckpointManifest manifest() {
        return manifest;
    }

    /** @return the checkpoint folder loaded */
    public Path checkpoint() {
        return checkpoint;
    }

    @Override
    public void close() {
        generator.close();
    }
}
