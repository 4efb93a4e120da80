package io.jgan.train;

import io.jgan.JganException;
import io.jgan.config.GanConfig;
import io.jgan.config.RunSchedule;
import io.jgan.data.Permutation;
import io.jgan.data.Samples;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.model.Network;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Tensor;

/**
 * The one training loop: plays a {@link Game} one iteration at a time, for every family.
 *
 * <pre>
 * for epoch:  order = permutation(seed, epoch); columns shuffled by it
 *   for iteration (skipping those a resumed run already did):
 *     engine seed = mix(seed, step + 1); outcome = game.play(...)   // D, then G
 *     divergence guard; listeners (logs, grids, TensorBoard, quality); checkpoint when due
 *     a first SIGINT / SIGTERM ends here, with a checkpoint of this step
 * </pre>
 *
 * <p>Reproducibility: the data order of each epoch comes from (seed, epoch) and the engine's
 * random generator is reseeded from (seed, step) before every iteration, so noise and masks of
 * step s depend on nothing but the seed and s: runs repeat, and a resumed run is identical to an
 * uninterrupted one.
 *
 * <p>Memory: everything an iteration creates lives in a sub-manager of the game's root closed at
 * the end of the iteration, and the shuffled data of an epoch in one closed at the end of the
 * epoch.
 */
public final class Trainer implements RunView, AutoCloseable {

    /** How a call of {@link #fit} ended. */
    public enum Ending {
        /** The schedule's length was reached, or {@link #stop} was called: onEnd ran, a final checkpoint was written. */
        COMPLETED,
        /** A signal asked for a graceful stop: the current step finished and was checkpointed; resume continues it. */
        INTERRUPTED
    }

    private final GanConfig config;
    private final Game game;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private Checkpointer checkpointer; // null: no checkpoints
    private final long totalSteps;
    private long step;
    private volatile boolean stopRequested;
    private volatile boolean interrupted;
    private Consumer<String> signalNotice; // null: signals keep the JVM's default handling
    private DataParallel dp = DataParallel.single();

    /**
     * Wires the loop to a game.
     *
     * @param config the validated config (the schedule sets the run's length)
     * @param game the game, built for this config; the trainer closes it
     */
    public Trainer(GanConfig config, Game game) {
        this.config = config;
        this.game = game;
        RunSchedule schedule = config.schedule();
        long all = (long) game.iterationsPerEpoch() * schedule.epochs();
        this.totalSteps = schedule.maxSteps() > 0 ? Math.min(all, schedule.maxSteps()) : all;
    }

    /**
     * The loop for the tutorials' GAN ({@link GanGame}).
     *
     * @param config the validated config
     * @param samples the training samples (their dim must match the model)
     * @return the trainer
     */
    public static Trainer gan(GanConfig config, Samples samples) {
        return new Trainer(config, new GanGame(config, samples));
    }

    /**
     * Adds a listener; listeners run in the order added, each step before the checkpointer.
     *
     * @param listener the listener
     * @return this
     */
    public Trainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * Sets what writes checkpoints: after every listener has seen a step (so the logs it copies are
     * complete up to it), after their onEnd, and at a graceful stop.
     *
     * @param checkpointer the checkpointer
     * @return this
     */
    public Trainer checkpointTo(Checkpointer checkpointer) {
        this.checkpointer = checkpointer;
        return this;
    }

    /**
     * Makes this loop one rank of a data-parallel job: the ranks check that they start from the
     * same weights, and agree after every step on whether to stop (a signal or {@link #stop} on
     * any rank stops all of them after the same step).
     *
     * @param parallel the ranks (the game must have been built with them)
     * @return this
     */
    public Trainer dataParallel(DataParallel parallel) {
        this.dp = parallel;
        return this;
    }

    /**
     * Makes {@link #fit} stop gracefully on the first SIGINT (Ctrl-C) or SIGTERM (what a scheduler
     * sends before it preempts): the current step finishes and is checkpointed, the logs are
     * flushed, and fit returns {@link Ending#INTERRUPTED}. A second signal ends the process at
     * once; the last complete checkpoint stays intact (checkpoints are written atomically).
     *
     * @param notice told once, on the first signal (e.g. a line for the user)
     * @return this
     */
    public Trainer stopGracefullyOnSignals(Consumer<String> notice) {
        this.signalNotice = notice;
        return this;
    }

    /**
     * Trains until the configured epochs or step limit, {@link #stop}, or a signal.
     *
     * @return how it ended
     * @throws JganException with {@link JganException#DIVERGED} if a loss becomes NaN, infinite or
     *     absurdly large
     */
    public Ending fit() {
        try (GracefulStop signals = signalNotice == null ? null : GracefulStop.install(this::interrupt)) {
            dp.checkSameWeights(List.of(game.generator(), game.discriminator()));
            for (TrainingListener l : listeners) {
                l.onStart(this);
            }
            while (step < totalSteps && !stopRequested && !interrupted) {
                runEpoch();
            }
            if (interrupted && step < totalSteps) { // a signal after the last step: finish as usual
                if (checkpointer != null) {
                    checkpointer.atEnd(this);
                }
                return Ending.INTERRUPTED;
            }
            for (TrainingListener l : listeners) {
                l.onEnd(this);
            }
            if (checkpointer != null) {
                checkpointer.atEnd(this);
            }
            return Ending.COMPLETED;
        } finally {
            for (TrainingListener l : listeners) {
                l.close(); // flushes logs and TensorBoard, also after a failure or a signal
            }
        }
    }

    /** The first signal: finish this step, then stop. */
    private void interrupt(String signal) {
        interrupted = true;
        signalNotice.accept(signal);
    }

    /**
     * Asks the loop to end after the current iteration, as if its length were reached: the
     * listeners' {@code onEnd} and the final checkpoint still run. Safe from a listener or
     * another thread.
     */
    @Override
    public void stop() {
        stopRequested = true;
    }

    private void runEpoch() {
        int iterations = game.iterationsPerEpoch();
        int epoch = (int) (step / iterations) + 1;
        int skip = (int) (step % iterations); // > 0 only when resuming mid-epoch
        try (Scope epochScope = Scope.open()) {
            Tensor order = Torch.indices(Permutation.longs(game.count(),
                    new Random(Seeds.mix(config.train().seed(), epoch))));
            List<Tensor> shuffled = new ArrayList<>();
            for (Tensor column : game.columns()) {
                shuffled.add(column.index_select(0, order)); // (count, ...)
            }
            for (int i = skip; i < iterations && step < totalSteps && !stopRequested && !interrupted; i++) {
                iterate(shuffled, epoch, i);
            }
        }
    }

    /** One iteration: the game's step, then the guard, the listeners and the checkpointer. */
    private void iterate(List<Tensor> shuffled, int epoch, int iteration) {
        long start = System.nanoTime();
        Torch.seed(Seeds.mix(config.train().seed(), step + 1));
        game.scaleLearningRates(config.train().lrFactor(step, totalSteps)); // a function of the step: resumes exactly
        Game.Outcome r;
        try (Scope it = Scope.open()) {
            r = game.play(shuffled, iteration);
        }
        step++;
        StepRecord record = new StepRecord(step, epoch, iteration + 1, r.lossD(), r.lossG(), r.dReal(), r.dFake(),
                (System.nanoTime() - start) / 1e6, r.extra());
        double bound = game.divergedAbove();
        if (!record.finite() || Math.abs(record.lossD()) > bound || Math.abs(record.lossG()) > bound) {
            throw new JganException(JganException.DIVERGED, String.format("training diverged at step %d: lossD=%s"
                    + " lossG=%s. %s Checkpoints written so far are kept.", step, record.lossD(), record.lossG(),
                    game.divergenceAdvice()));
        }
        for (TrainingListener l : listeners) {
            l.onStep(this, record);
        }
        if (checkpointer != null) {
            checkpointer.afterStep(this);
        }
        if (dp.active()) { // every rank stops after the same step: 2 a signal, 1 a stop, 0 go on
            int agreed = dp.maxOver(interrupted ? 2 : stopRequested ? 1 : 0);
            interrupted |= agreed == 2;
            stopRequested |= agreed == 1;
        }
    }

    /** @return every listener's files (the logs a checkpoint copies and a resume restores), in order */
    List<Path> listenerFiles() {
        List<Path> files = new ArrayList<>();
        for (TrainingListener l : listeners) {
            files.addAll(l.files());
        }
        return files;
    }

    /**
     * Continues from a checkpoint's step (its state already restored into the game by
     * {@link Resume}).
     *
     * @param checkpointStep the step the checkpoint recorded
     */
    void continueFrom(long checkpointStep) {
        this.step = checkpointStep;
    }

    /** @return the game this loop plays */
    public Game game() {
        return game;
    }

    /**
     * Counts the native objects the binding holds: parameters, moments, data, and whatever a step
     * left behind. Flat from step to step unless something leaks.
     *
     * @return the count
     */
    @Override
    public int liveArrays() {
        return Torch.liveObjectsAfterCollecting();
    }

    @Override
    public GanConfig config() {
        return config;
    }

    @Override
    public long step() {
        return step;
    }

    @Override
    public int epoch() {
        return step == 0 ? 1 : (int) ((step - 1) / game.iterationsPerEpoch()) + 1;
    }

    @Override
    public int iterationsPerEpoch() {
        return game.iterationsPerEpoch();
    }

    @Override
    public long totalSteps() {
        return totalSteps;
    }

    @Override
    public Game.Preview preview() {
        return game.preview();
    }

    @Override
    public int previewPhase() {
        return game.previewPhase();
    }

    @Override
    public float[] generate(int n, long seed) {
        return game.generate(n, seed);
    }

    @Override
    public Network generator() {
        return game.generator();
    }

    @Override
    public Network discriminator() {
        return game.discriminator();
    }

    @Override
    public void tapUpdates(BiConsumer<RunView, Network> tap) {
        game.beforeUpdate(n -> tap.accept(this, n));
    }

    @Override
    public void close() {
        game.close();
    }
}
