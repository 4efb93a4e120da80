package io.jgan.train;

import io.jgan.checkpoint.CheckpointManifest;
import io.jgan.format.NamedTensor;
import io.jgan.model.Network;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Tensor;

/**
 * One game the {@link Trainer} plays: its two players, its data and its iteration. The loop owns
 * everything the games share (seeding, the epoch's order, the resume skip, the divergence guard,
 * listeners, checkpoints, a graceful stop); a game owns only what is its own. The GAN of the
 * tutorials is {@link GanGame}; pix2pix is {@code io.jgan.pix2pix.Pix2PixGame}. A new family
 * with its own networks and losses is a new implementation, and the loop does not change.
 *
 * <p>Memory: the players, their optimisers and the data columns live in {@link #root}, as long
 * as the game; everything one iteration makes lives in the manager the loop passes to
 * {@link #play} and closes after it.
 */
public interface Game extends AutoCloseable {

    /**
     * What one iteration measured.
     *
     * @param lossD D's loss
     * @param lossG G's loss
     * @param dReal mean D(x), in [0, 1]
     * @param dFake mean D(G(z)) in the D step, in [0, 1]
     * @param extra further named losses of this game (pix2pix: {@code loss/L1}), in order
     */
    record Outcome(float lossD, float lossG, float dReal, float dFake, Map<String, Float> extra) {}

    /**
     * What a grid of the run shows now: the GAN's G(fixed noise), pix2pix's held-out inputs,
     * translations and targets.
     *
     * @param tag the TensorBoard image tag
     * @param values (count, dataDim) row-major, in the model's pixel range
     * @param count images
     * @param columns images per row
     */
    record Preview(String tag, float[] values, int count, int columns) {}

    /** @return the data columns, each (count, ...) in the engine, owned by the game, shuffled together every epoch */
    List<Tensor> columns();

    /** @return rows in each column */
    int count();

    /** @return iterations per pass over the data */
    int iterationsPerEpoch();

    /**
     * Plays one iteration: D's half-step(s), then G's.
     *
     * <p>The loop opens a scope around the call: every tensor the iteration makes is freed after it.
     *
     * @param shuffled this epoch's columns, in the epoch's order
     * @param iteration the iteration within the epoch, from 0
     * @return what it measured
     */
    Outcome play(List<Tensor> shuffled, int iteration);

    /**
     * Scales both players' learning rates for the iterations that follow (the run's schedule).
     *
     * @param factor the multiplier of the configured rates
     */
    void scaleLearningRates(double factor);

    /** @return a loss magnitude above which the run has diverged (the losses' finiteness is always checked) */
    double divergedAbove();

    /** @return what to try when the run diverges, for the message */
    String divergenceAdvice();

    /** @return the complete state for a checkpoint, tensor parts by {@link io.jgan.checkpoint.CheckpointSchema} name */
    Map<String, List<NamedTensor>> snapshot();

    /** @return Adam step counts {G, D} */
    long[] optimizerSteps();

    /**
     * Puts the players (and whatever else the game keeps) where a checkpoint recorded them.
     *
     * @param checkpointDir the checkpoint folder
     * @param manifest its manifest
     * @throws IllegalArgumentException naming the first tensor that does not fit
     */
    void restore(Path checkpointDir, CheckpointManifest manifest);

    /** @return G */
    Network generator();

    /** @return D */
    Network discriminator();

    /**
     * Sets what runs just before each network's optimiser step, with that network, while its
     * gradients are there (the update zeroes them).
     *
     * @param tap the action
     */
    void beforeUpdate(Consumer<Network> tap);

    /** @return what a grid shows now */
    Preview preview();

    /**
     * The step a grid cadence counts from: 1 for the tutorial's GAN (a grid after the 1st, 101st,
     * ... batch), 0 for pix2pix (after the 100th, 200th, ...).
     *
     * @return the phase
     */
    int previewPhase();

    /**
     * Samples from fresh noise, for quality measurements.
     *
     * @param n how many
     * @param seed seeds the noise
     * @return (n, dataDim) row-major, in the model's pixel range
     * @throws UnsupportedOperationException for a game whose G is not given noise
     */
    float[] generate(int n, long seed);

    @Override
    void close();
}
