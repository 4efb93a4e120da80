package io.jgan.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.jgan.config.ModelConfig;
import io.jgan.config.TrainConfig;
import io.jgan.io.CheckpointManifest;
import io.jgan.io.CheckpointSchema;
import io.jgan.io.Checkpoints;
import io.jgan.io.NamedTensor;
import io.jgan.model.Models;
import io.jgan.model.Network;
import io.jgan.optim.Adam;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The two players of the game (Goodfellow et al. 2014), G and D, each with its own Adam: what
 * every trainer builds, checkpoints and restores the same way (the GAN trainer's
 * {@link TrainingState} and the pix2pix trainer).
 *
 * @param generator G
 * @param discriminator D
 * @param optimizerG G's optimiser
 * @param optimizerD D's optimiser
 */
public record Players(Network generator, Network discriminator, Adam optimizerG, Adam optimizerD) {

    /**
     * Builds both networks with their initial weights, drawn from the engine's generator seeded
     * from the run's seed (G first, then D), and zero-moment optimisers.
     *
     * @param model the model
     * @param train the hyper-parameters (seed, learning rates, betas, eps)
     * @param root the manager that holds the parameters for the run
     * @return the players
     */
    public static Players create(ModelConfig model, TrainConfig train, NDManager root) {
        Engine.getInstance().setRandomSeed(GanTrainer.mix(train.seed(), -1)); // initial weights
        Network g = new Network(CheckpointSchema.GENERATOR, Models.generator(model), root, model.generatorInputDim());
        Network d = new Network(CheckpointSchema.DISCRIMINATOR, Models.discriminator(model), root,
                model.discriminatorInputDim());
        Adam optG = Adam.create(g.trainableParameters(),
                new Adam.Settings(train.lrG(), train.beta1(), train.beta2(), train.eps()), root);
        Adam optD = Adam.create(d.trainableParameters(),
                new Adam.Settings(train.lrD(), train.beta1(), train.beta2(), train.eps()), root);
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
        parts.put(CheckpointSchema.ADAM_GENERATOR, TrainingState.moments(generator, optimizerG));
        parts.put(CheckpointSchema.ADAM_DISCRIMINATOR, TrainingState.moments(discriminator, optimizerD));
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
        TrainingState.restoreMoments(optimizerG, generator,
                Checkpoints.readPart(checkpointDir, CheckpointSchema.ADAM_GENERATOR));
        TrainingState.restoreMoments(optimizerD, discriminator,
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
}
