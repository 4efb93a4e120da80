package io.jgan.train;

import io.jgan.config.GanConfig;
import io.jgan.model.Network;
import java.util.function.BiConsumer;

/**
 * What a {@link TrainingListener} sees of a run: where it is, what it shows, and its two networks
 * to look at. Narrow on purpose: a listener watches, it does not drive the loop.
 */
public interface RunView {

    /** @return the run's config */
    GanConfig config();

    /** @return iterations completed */
    long step();

    /** @return the epoch of the last completed iteration (from 1) */
    int epoch();

    /** @return iterations this run will complete */
    long totalSteps();

    /** @return iterations per epoch */
    int iterationsPerEpoch();

    /** @return what a grid shows now (computed on each call) */
    Game.Preview preview();

    /** @return the step a grid cadence counts from ({@link Game#previewPhase}) */
    int previewPhase();

    /**
     * Samples from fresh noise (G's average when kept).
     *
     * @param n how many
     * @param seed seeds the noise
     * @return (n, dataDim) row-major samples in the model's pixel range
     */
    float[] generate(int n, long seed);

    /** @return G, to look at */
    Network generator();

    /** @return D, to look at */
    Network discriminator();

    /**
     * Asks the loop to end after this step, as if its length were reached (onEnd and the final
     * checkpoint still run): for a listener that decides the run is done, e.g. at a quality target.
     */
    void stop();

    /** @return native objects still owned now (a full GC first: for tests and benchmarks): flat from step to step unless something leaks */
    int liveArrays();

    /**
     * Calls {@code tap} before each network's optimiser step, while its gradients are there.
     *
     * @param tap the action, given the run and the network
     */
    void tapUpdates(BiConsumer<RunView, Network> tap);
}
