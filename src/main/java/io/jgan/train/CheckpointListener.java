package io.jgan.train;

import io.jgan.Version;
import io.jgan.io.CheckpointManifest;
import io.jgan.io.CheckpointSchema;
import io.jgan.io.Checkpoints;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Writes a complete checkpoint every N iterations and at the end, keeping the newest few.
 * Called only after finite steps, so a diverged run keeps its last good checkpoint.
 */
public final class CheckpointListener implements TrainingListener {

    private final Path dir;
    private final int every;
    private final int keep;
    private final List<Path> files;
    private long lastSaved = -1;

    /**
     * Creates the listener.
     *
     * @param dir {@code RUN/checkpoints}
     * @param every save every this many iterations (0: only at the end)
     * @param keep how many checkpoints to keep
     * @param logs {@code RUN/metrics.csv} (and {@code eval.csv}), copied into each checkpoint so
     *     that the checkpoint alone holds the run's history; missing files are skipped
     */
    public CheckpointListener(Path dir, int every, int keep, Path... logs) {
        this.dir = dir;
        this.every = every;
        this.keep = keep;
        this.files = java.util.Arrays.stream(logs).filter(java.util.Objects::nonNull).toList();
    }

    @Override
    public void onStep(GanTrainer trainer, io.jgan.train.StepRecord record) {
        if (every > 0 && record.step() % every == 0) {
            save(trainer);
        }
    }

    @Override
    public void onEnd(GanTrainer trainer) {
        if (lastSaved != trainer.step()) {
            save(trainer);
        }
    }

    /**
     * Saves the trainer's state now.
     *
     * @param trainer the run
     * @return the checkpoint folder
     */
    public Path save(GanTrainer trainer) {
        var parts = trainer.snapshot();
        long[] adam = trainer.optimizerSteps();
        CheckpointManifest m = new CheckpointManifest(CheckpointSchema.FORMAT, CheckpointSchema.FORMAT_VERSION, Version.CURRENT,
                Instant.now().toString(), trainer.step(), trainer.epoch(), trainer.config().train().seed(),
                adam[0], adam[1], trainer.config(), List.copyOf(parts.keySet()));
        lastSaved = trainer.step();
        return Checkpoints.save(dir, m, parts, keep, files);
    }
}
