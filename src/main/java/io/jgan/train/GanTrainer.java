package io.jgan.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.jgan.JganException;
import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.config.RunSchedule;
import io.jgan.config.TrainConfig;
import io.jgan.data.Permutation;
import io.jgan.data.Samples;
import io.jgan.io.CheckpointManifest;
import io.jgan.io.NamedTensor;
import io.jgan.loss.AdversarialLoss;
import io.jgan.model.Generation;
import io.jgan.model.LatentNoise;
import io.jgan.model.Models;
import io.jgan.model.Network;
import io.jgan.optim.Adam;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;

/**
 * Trains a generator against a discriminator: the epoch loop around {@link AdversarialStep}, moving
 * a {@link TrainingState} on one iteration at a time.
 *
 * <p>Reproducibility: the engine's random generator is reseeded from (seed, step) before every
 * iteration, and the data order of each epoch comes from (seed, epoch). Noise and dropout masks
 * of step s therefore depend on nothing but the seed and s, which makes runs repeatable and a
 * resumed run identical to an uninterrupted one.
 *
 * <p>Memory: everything an iteration creates lives in a sub-manager closed at the end of the
 * iteration, and the shuffled data of an epoch in one closed at the end of the epoch.
 */
public final class GanTrainer implements AutoCloseable {

    private final GanConfig config;
    private final TrainConfig train;
    private final TrainingState state;
    private final AdversarialStep adversarialStep;
    private final NDArray dataset; // (count, dataDim), in the pixel range of the model
    private final NDArray labels; // (count, classes) one-hot, for a conditional GAN; else null
    private final int count;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private Checkpointer checkpointer; // null: no checkpoints
    private final int batchesPerIteration;
    private final int iterationsPerEpoch;
    private final long totalSteps;
    private final double divergedAbove;
    private volatile boolean stopRequested;

    /**
     * Builds the training state and the in-engine data set.
     *
     * @param config the validated config
     * @param samples the training samples (their dim must match the model)
     */
    public GanTrainer(GanConfig config, Samples samples) {
        this.config = config;
        this.train = config.train();
        if (config.model().imageToImage()) {
            throw new JganException(JganException.USAGE, "pix2pix trains on image pairs, not with GanTrainer: use"
                    + " jgan train --model pix2pix (io.jgan.pix2pix.Pix2PixTrainer)");
        }
        if (samples.dim() != config.model().dataDim()) {
            throw new IllegalArgumentException("samples of dim " + samples.dim() + " for a model of dim "
                    + config.model().dataDim());
        }
        if (train.batchSize() > samples.count()) {
            throw new JganException(JganException.USAGE,
                    "--batch-size " + train.batchSize() + " is larger than the data set (" + samples.count()
                            + " samples): use a smaller batch or more data");
        }
        this.count = samples.count();
        this.state = new TrainingState(config);
        ModelConfig model = config.model();
        AdversarialLoss loss = AdversarialLoss.of(train);
        this.divergedAbove = loss.divergedAbove();
        this.adversarialStep = new AdversarialStep(state.generator(), state.discriminator(), state.optimizerG(),
                state.optimizerD(), loss, model.latentDim(), Models.discriminatorIsPerSample(model), model.classes());
        NDManager root = state.root();
        this.dataset = root.create(samples.values(), new Shape(samples.count(), samples.dim()));
        this.labels = model.conditional() ? oneHot(root, samples, model.classes()) : null;
        int batches = (count + train.batchSize() - 1) / train.batchSize();
        this.batchesPerIteration = train.dSteps();
        this.iterationsPerEpoch = Math.max(1, batches / train.dSteps());
        RunSchedule schedule = config.schedule();
        long all = (long) iterationsPerEpoch * schedule.epochs();
        this.totalSteps = schedule.maxSteps() > 0 ? Math.min(all, schedule.maxSteps()) : all;
    }

    /**
     * Adds a listener; listeners run in the order added, each step before the checkpointer.
     *
     * @param listener the listener
     * @return this
     */
    public GanTrainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * Sets what writes checkpoints: after every listener has seen a step (so the logs it copies are
     * complete up to it), and after their onEnd.
     *
     * @param checkpointer the checkpointer
     * @return this
     */
    public GanTrainer checkpointTo(Checkpointer checkpointer) {
        this.checkpointer = checkpointer;
        return this;
    }

    /**
     * Calls {@code tap} before each network's optimiser step, with the network, while its gradients
     * are there (the update zeroes them): for listeners that look at gradients.
     *
     * @param tap the action
     * @return this
     */
    public GanTrainer tapUpdates(BiConsumer<GanTrainer, Network> tap) {
        adversarialStep.beforeUpdate(n -> tap.accept(this, n));
        return this;
    }

    /** @return every listener's files (the logs a checkpoint copies and a resume restores), in order */
    public List<Path> listenerFiles() {
        List<Path> files = new ArrayList<>();
        for (TrainingListener l : listeners) {
            files.addAll(l.files());
        }
        return files;
    }

    /**
     * Trains until the configured epochs or step limit.
     *
     * @throws JganException with {@link JganException#DIVERGED} if a loss becomes NaN or infinite
     */
    public void fit() {
        try {
            for (TrainingListener l : listeners) {
                l.onStart(this);
            }
            while (state.step() < totalSteps && !stopRequested) {
                runEpoch();
            }
            for (TrainingListener l : listeners) {
                l.onEnd(this);
            }
            if (checkpointer != null) {
                checkpointer.atEnd(this);
            }
        } finally {
            for (TrainingListener l : listeners) {
                l.close();
            }
        }
    }

    /**
     * Asks the loop to end after the current iteration, as if its length were reached: the
     * listeners' {@code onEnd} and the final checkpoint still run. Safe from a listener or
     * another thread.
     */
    public void stop() {
        stopRequested = true;
    }

    private void runEpoch() {
        long step = state.step();
        int epoch = (int) (step / iterationsPerEpoch) + 1;
        int skip = (int) (step % iterationsPerEpoch); // > 0 only when resuming mid-epoch
        try (NDManager epochManager = state.root().newSubManager()) {
            NDArray order = epochManager.create(Permutation.longs(count, new Random(mix(train.seed(), epoch))));
            NDArray shuffled = dataset.get(epochManager, new NDIndex("{}", order)); // (count, dataDim)
            NDArray shuffledLabels = labels == null ? null
                    : labels.get(epochManager, new NDIndex("{}", order)); // (count, classes)
            for (int i = skip; i < iterationsPerEpoch && state.step() < totalSteps && !stopRequested; i++) {
                iterate(shuffled, shuffledLabels, epoch, i);
            }
        }
    }

    /** One iteration: k real batches, the adversarial step, G's average, then the listeners. */
    private void iterate(NDArray shuffled, NDArray shuffledLabels, int epoch, int iteration) {
        long start = System.nanoTime();
        Engine.getInstance().setRandomSeed(mix(train.seed(), state.step() + 1));
        AdversarialStep.Result r;
        try (NDManager it = state.root().newSubManager()) {
            List<NDArray> real = new ArrayList<>(batchesPerIteration);
            List<NDArray> realLabels = shuffledLabels == null ? null : new ArrayList<>(batchesPerIteration);
            for (int b = 0; b < batchesPerIteration; b++) {
                long from = (long) (iteration * batchesPerIteration + b) * train.batchSize();
                long to = Math.min(from + train.batchSize(), count);
                real.add(shuffled.get(it, new NDIndex("{}:{}", from, to))); // (<= batchSize, dataDim), a view
                if (realLabels != null) {
                    realLabels.add(shuffledLabels.get(it, new NDIndex("{}:{}", from, to))); // (<= batchSize, classes)
                }
            }
            r = adversarialStep.run(it, real, realLabels);
            state.updateAverage((float) train.emaDecay());
        }
        state.advance();
        StepRecord record = new StepRecord(state.step(), epoch, iteration + 1, r.lossD(), r.lossG(), r.dReal(),
                r.dFake(), (System.nanoTime() - start) / 1e6);
        if (!record.finite() || Math.abs(record.lossD()) > divergedAbove || Math.abs(record.lossG()) > divergedAbove) {
            throw new JganException(JganException.DIVERGED, String.format(
                    "training diverged at step %d: lossD=%s lossG=%s. Likely causes: a learning rate too high"
                            + " (try --lr 1e-4), data not scaled to the model's range, or D winning outright"
                            + " (try --real-label 0.9). Checkpoints written so far are kept.",
                    state.step(), record.lossD(), record.lossG()));
        }
        for (TrainingListener l : listeners) {
            l.onStep(this, record);
        }
        if (checkpointer != null) {
            checkpointer.afterStep(this);
        }
    }

    /**
     * Runs the sampling generator (G's average when kept, else G) on the fixed test noise, in
     * inference mode (batch norm uses running statistics).
     *
     * @return (fixedSampleCount, dataDim) row-major samples in the model's pixel range
     */
    public float[] generateFixed() {
        return state.fixedNoise().samples(state.samplingGenerator());
    }

    /**
     * Generates samples from fresh noise with a given seed (for the toy's statistics and tests).
     *
     * @param n how many
     * @param seed seeds the noise
     * @return (n, dataDim) row-major samples; a conditional model's classes in turn
     */
    public float[] generate(int n, long seed) {
        float[] noise = LatentNoise.gaussian(seed, n * config.model().latentDim());
        return Generation.run(state.samplingGenerator(), config.model(), noise, null);
    }

    /** @return samples in the fixed-noise grid: the fixed noise count, or classes x columns */
    public int fixedSampleCount() {
        return state.fixedNoise().sampleCount();
    }

    /** @return columns of the fixed-noise grid: square, or at most 10 per class row */
    public int fixedGridColumns() {
        return state.fixedNoise().gridColumns();
    }

    private static NDArray oneHot(NDManager root, Samples samples, int k) {
        if (samples.labels() == null) {
            throw new JganException(JganException.USAGE, "a conditional GAN needs class labels, and this data has none:"
                    + " use IDX data with its labels file, or an image folder with one subfolder per class");
        }
        float[] code = new float[samples.count() * k];
        for (int i = 0; i < samples.count(); i++) {
            int y = samples.labels()[i] & 0xff;
            if (y >= k) {
                throw new JganException(JganException.BAD_DATA, "label " + y + " of sample " + i + " is outside the "
                        + k + " classes of this model");
            }
            code[i * k + y] = 1f;
        }
        return root.create(code, new Shape(samples.count(), k));
    }

    /**
     * Copies the complete training state out of the engine, for a checkpoint.
     *
     * @return tensor parts by name (see {@link io.jgan.io.CheckpointSchema})
     */
    public Map<String, List<NamedTensor>> snapshot() {
        return state.snapshot();
    }

    /**
     * Puts the trainer in the state a checkpoint recorded, so that training continues exactly as
     * if it had never stopped. The data order and the noise of later steps follow from (seed,
     * epoch) and (seed, step), so they need no state.
     *
     * @param checkpointDir a checkpoint folder written for this config
     * @param manifest its manifest
     * @throws JganException with {@link JganException#BAD_CHECKPOINT} if anything does not fit
     */
    public void restore(Path checkpointDir, CheckpointManifest manifest) {
        state.restore(checkpointDir, manifest);
        if (manifest.step() < 0 || manifest.step() > totalSteps) {
            throw new JganException(JganException.USAGE, "checkpoint " + checkpointDir + " is at step "
                    + manifest.step() + ", beyond this run's " + totalSteps + " steps: give more --epochs or --max-steps");
        }
    }

    /** SplitMix64 of (seed, counter), folded to the int the engine takes. */
    public static int mix(long seed, long counter) {
        long z = seed * 0x9E3779B97F4A7C15L + counter + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (int) (z ^ (z >>> 32));
    }

    /**
     * Counts the engine arrays this trainer's managers hold: parameters, moments, data, and whatever
     * a step left behind. Flat from step to step unless something leaks.
     *
     * @return the count
     */
    public int liveArrays() {
        return state.root().getManagedArrays().size();
    }

    /** @return the config of this run */
    public GanConfig config() {
        return config;
    }

    /** @return the networks, optimisers, fixed noise and step this loop moves on */
    public TrainingState state() {
        return state;
    }

    /** @return iterations completed */
    public long step() {
        return state.step();
    }

    /** @return the epoch of the last completed iteration (from 1) */
    public int epoch() {
        long step = state.step();
        return step == 0 ? 1 : (int) ((step - 1) / iterationsPerEpoch) + 1;
    }

    /** @return iterations per epoch */
    public int iterationsPerEpoch() {
        return iterationsPerEpoch;
    }

    /** @return iterations this run will complete */
    public long totalSteps() {
        return totalSteps;
    }

    /** @return Adam step counts {G, D} */
    public long[] optimizerSteps() {
        return state.optimizerSteps();
    }

    /** @return the generator (for tests and tools) */
    public Network generator() {
        return state.generator();
    }

    /** @return the discriminator (for tests and tools) */
    public Network discriminator() {
        return state.discriminator();
    }

    /** @return the adversarial step (for tests) */
    AdversarialStep adversarialStep() {
        return adversarialStep;
    }

    @Override
    public void close() {
        state.close();
    }
}
