package io.jgan.train;

import java.nio.file.Path;
import java.util.List;


/**
 * Watches a training run: progress, metrics logs, grids, quality. Called on the training thread, in
 * the order added, each step before the checkpointer; a listener that throws stops the run.
 */
public interface TrainingListener {

    /**
     * Called once, before the first iteration.
     *
     * @param run the run
     */
    default void onStart(RunView run) {}

    /**
     * Called after every iteration whose losses are finite.
     *
     * @param run the run
     * @param record what the iteration measured
     */
    default void onStep(RunView run, StepRecord record) {}

    /**
     * Called once after the last iteration of a run that finished.
     *
     * @param run the run
     */
    default void onEnd(RunView run) {}

    /**
     * Returns the files this listener writes that belong to the run's history: each checkpoint keeps
     * a copy as of its step, and a resume puts that copy back before {@link #onStart}.
     *
     * @return the files (none by default)
     */
    default List<Path> files() {
        return List.of();
    }

    /** Called always, last, even when the run failed: flush and release files. */
    default void close() {}
}
