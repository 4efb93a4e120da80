package io.jgan.train;

import io.jgan.Version;
import io.jgan.checkpoint.CheckpointManifest;
import io.jgan.checkpoint.CheckpointSchema;
import io.jgan.checkpoint.Checkpoints;
import io.jgan.format.NamedTensor;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes a complete checkpoint every N iterations and at the end, keeping the newest few. The
 * trainer calls it after every listener has seen the step, so the logs the listeners own
 * ({@link TrainingListener#files}), copied into the checkpoint, are complete up to its step. Called
 * only after finite steps, so a diverged run keeps its last good checkpoint.
 */
public final class Checkpointer {

    private final Path dir;
    private final int every;
    private final int keep;
    private long lastSaved = -1;

    /**
     * Creates the checkpointer.
     *
     * @param dir {@code RUN/checkpoints}
     * @param every save every this many iterations (0: only at the end)
     * @param keep how many checkpoints to keep
     */
    public Checkpointer(Path dir, int every, int keep) {
        this.dir = dir;
        this.every = every;
        this.keep = keep;
    }

    /**
     * Saves when the step is due, with the files the trainer's listeners own.
     *
     * @param trainer the run, after its listeners saw the step
     */
    void afterStep(Trainer trainer) {
        if (every > 0 && trainer.step() % every == 0) {
            save(trainer);
        }
    }

    /**
     * Saves the state unless this step was just saved: at the end, after the listeners' onEnd,
     * and at a graceful stop.
     *
     * @param trainer the run
     */
    void atEnd(Trainer trainer) {
        if (lastSaved != trainer.step()) {
            save(trainer);
        }
    }

    /**
     * Saves the trainer's state now, with its listeners' logs as of this step.
     *
     * @param trainer the run
     * @return the checkpoint folder
     */
    public Path save(Trainer trainer) {
        Game game = trainer.game();
        Map<String, List<NamedTensor>> parts = game.snapshot();
        long[] adam = game.optimizerSteps();
        CheckpointManifest m = new CheckpointManifest(CheckpointSchema.FORMAT, CheckpointSchema.FORMAT_VERSION,
                Version.CURRENT, Instant.now().toString(), trainer.step(), trainer.epoch(),
                trainer.config().train().seed(), adam[0], adam[1], trainer.config(), List.copyOf(parts.keySet()));
        lastSaved = trainer.step();
        return Checkpoints.save(dir, m, parts, keep, trainer.listenerFiles());
    }
}
