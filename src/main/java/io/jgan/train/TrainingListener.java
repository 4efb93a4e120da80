package io.jgan.train;

import io.jgan.train.StepRecord;

/**
 * Watches a training run: progress, metrics logs, grids, checkpoints. Called on the training
 * thread; a listener that throws stops the run.
 */
public interface TrainingListener {

    /**
     * Called once, before the first iteration.
     *
     * @param trainer the run
     */
    default void onStart(GanTrainer trainer) {}

    /**
     * Called after every iteration whose losses are finite.
     *
     * @param trainer the run
     * @param record what the iteration measured
     */
    default void onStep(GanTrainer trainer, StepRecord record) {}

    /**
     * Called once after the last iteration of a run that finished.
     *
     * @param trainer the run
     */
    default void onEnd(GanTrainer trainer) {}

    /** Called always, last, even when the run failed: flush and release files. */
    default void close() {}
}
