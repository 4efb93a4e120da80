package io.jgan.train;

import io.jgan.checkpoint.CheckpointManifest;
import io.jgan.checkpoint.CheckpointSchema;
import io.jgan.checkpoint.Checkpoints;
import io.jgan.config.ModelConfig;
import io.jgan.config.TrainConfig;
import io.jgan.engine.Torch;
import io.jgan.format.NamedTensor;
import io.jgan.model.Family;
import io.jgan.model.Network;
import io.jgan.model.Parameter;
import io.jgan.optim.Adam;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The two players of the game (Goodfellow et al. 2014), G and D, each with its own Adam: what
 * every game builds, checkpoints and restores the same way ({@link GanGame} and pix2pix's).
 *
 * @param generator G
 * @param discriminator D
 * @param optimizerG G's optimiser
 * @param optimizerD D's optimiser
 */
public record Players(Network generator, Network discriminator, Adam optimizerG, Adam optimizerD)
        implements AutoCloseable {

    /**
     * Builds both networks with their initial weights, drawn from the engine's generator seeded
     * from the run's seed (G first, then D), and zero-moment optimisers.
     *
     * @param model the model
     * @param train the hyper-parameters (seed, learning rates, betas, eps)
     * @return the players
     */
    public static Players create(ModelConfig model, TrainConfig train) {
        Torch.seed(Seeds.mix(train.seed(), -1)); // initial weights
        Family family = Family.of(model);
        Network g = family.newGenerator(CheckpointSchema.GENERATOR, model);
        Network d = family.newDiscriminator(CheckpointSchema.DISCRIMINATOR, model, train.spectralNorm(),
                train.projection());
        Adam optG = Adam.create(g.trainableParameters(),
                new Adam.Settings(train.lrG(), train.beta1(), train.beta2(), train.eps()));
        Adam optD = Adam.create(d.trainableParameters(),
                new Adam.Settings(train.lrD(), train.beta1(), train.beta2(), train.eps()));
        return new Players(g, d, optG, optD);
    }

    /**
     * Adds G, D and both optimisers' moments to a checkpoint's parts, in the checkpoint's order.
     *
     * @param parts tensor parts by {@link CheckpointSchema} name
     */
    public void putInto(Map<String, List<NamedTensor>> parts) {
        parts.put(CheckpointSchema.GENERATOR, generator.toTensors());
        parts.put(CheckpointSchema.DISCRIMINATOR, discriminator.toTensors());
        parts.put(CheckpointSchema.ADAM_GENERATOR, moments(generator, optimizerG));
        parts.put(CheckpointSchema.ADAM_DISCRIMINATOR, moments(discriminator, optimizerD));
    }

    /**
     * Reads G, D and both optimisers' moments back from a checkpoint.
     *
     * @param checkpointDir a checkpoint folder
     * @throws IllegalArgumentException naming the first tensor that does not fit (callers say which
     *     checkpoint)
     */
    public void restoreFrom(Path checkpointDir) {
        generator.copyFrom(Checkpoints.readPart(checkpointDir, CheckpointSchema.GENERATOR));
        discriminator.copyFrom(Checkpoints.readPart(checkpointDir, CheckpointSchema.DISCRIMINATOR));
        restoreMoments(optimizerG, generator,
                Checkpoints.readPart(checkpointDir, CheckpointSchema.ADAM_GENERATOR));
        restoreMoments(optimizerD, discriminator,
                Checkpoints.readPart(checkpointDir, CheckpointSchema.ADAM_DISCRIMINATOR));
    }

    /**
     * Sets both optimisers' step counts (their bias corrections) to a checkpoint's.
     *
     * @param manifest the checkpoint's manifest
     */
    public void restoreStepCounts(CheckpointManifest manifest) {
        optimizerG.setStepCount(manifest.adamStepsG());
        optimizerD.setStepCount(manifest.adamStepsD());
    }

    /**
     * An optimiser's moments as checkpoint tensors, {@code m/i/name} and {@code v/i/name} per
     * trainable parameter i (the one layout every trainer writes).
     *
     * @param network the network the optimiser updates
     * @param adam its optimiser
     * @return 2 tensors per parameter
     */
    static List<NamedTensor> moments(Network network, Adam adam) {
        List<NamedTensor> out = new ArrayList<>();
        List<Parameter> params = network.trainableParameters();
        for (int i = 0; i < params.size(); i++) {
            String name = params.get(i).name();
            long[] shape = Torch.shape(params.get(i).tensor());
            float[][] mv = adam.moments(i);
            out.add(new NamedTensor(CheckpointSchema.momentName("m", i, name), shape, mv[0]));
            out.add(new NamedTensor(CheckpointSchema.momentName("v", i, name), shape, mv[1]));
        }
        return out;
    }

    /**
     * Restores an optimiser's moments from {@link #moments}' tensors, checking count and shapes.
     *
     * @param adam the optimiser
     * @param network the network it updates
     * @param saved the tensors
     * @throws IllegalArgumentException naming the first that does not fit
     */
    static void restoreMoments(Adam adam, Network network, List<NamedTensor> saved) {
        List<Parameter> params = network.trainableParameters();
        if (saved.size() != 2 * params.size()) {
            throw new IllegalArgumentException(network.name() + "'s optimiser has " + 2 * params.size()
                    + " moment tensors but " + saved.size() + " were saved");
        }
        for (int i = 0; i < params.size(); i++) {
            long[] shape = Torch.shape(params.get(i).tensor());
            NamedTensor m = saved.get(2 * i);
            NamedTensor v = saved.get(2 * i + 1);
            check(m, CheckpointSchema.momentName("m", i, ""), shape);
            check(v, CheckpointSchema.momentName("v", i, ""), shape);
            adam.setMoments(i, m.data(), v.data());
        }
    }

    private static void check(NamedTensor t, String prefix, long[] shape) {
        if (!t.name().startsWith(prefix) || !Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("optimiser tensor " + t.name() + " " + Arrays.toString(t.shape())
                    + " does not match " + prefix + " " + Arrays.toString(shape));
        }
    }

    /** Frees the networks and the optimisers' moments. */
    @Override
    public void close() {
        optimizerG.close();
        optimizerD.close();
        generator.close();
        discriminator.close();
    }
}
