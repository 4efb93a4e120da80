package io.jgan.train;

import io.jgan.JganException;
import io.jgan.checkpoint.CheckpointManifest;
import io.jgan.checkpoint.Checkpoints;
import io.jgan.checkpoint.RunFolder;
import io.jgan.config.GanConfig;
import io.jgan.config.RunSchedule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A resumed run, in one place: the checkpoint it continues from, the config it keeps (only its
 * schedule may change), and the restore of everything the checkpoint holds: the game's state
 * (networks, optimisers, G's average, fixed noise), the step, and the logs the listeners own,
 * copied back from the checkpoint (a run killed after its last checkpoint has logs that ran ahead
 * of it). Each listener then drops what lies beyond the checkpoint's step from its own files in
 * {@link TrainingListener#onStart} (rows of a log, grids).
 */
public final class Resume {

    private final Path checkpoint;
    private final CheckpointManifest manifest;
    private final RunFolder run;

    private Resume(Path checkpoint, CheckpointManifest manifest, RunFolder run) {
        this.checkpoint = checkpoint;
        this.manifest = manifest;
        this.run = run;
    }

    /**
     * Finds the checkpoint to continue from and reads its manifest.
     *
     * @param runOrCheckpoint a run folder (its newest checkpoint) or a checkpoint folder
     * @return the resume
     * @throws JganException if there is no readable checkpoint
     */
    public static Resume from(Path runOrCheckpoint) {
        Path dir = Checkpoints.resolve(runOrCheckpoint);
        return new Resume(dir, Checkpoints.readManifest(dir), RunFolder.ofCheckpoint(dir));
    }

    /** @return the checkpoint folder */
    public Path checkpoint() {
        return checkpoint;
    }

    /** @return its manifest: the run's config and step */
    public CheckpointManifest manifest() {
        return manifest;
    }

    /** @return the run folder the checkpoint belongs to */
    public RunFolder run() {
        return run;
    }

    /**
     * The config the resumed run trains with: the run's own model, data and recipe, and its
     * schedule with what the caller changes (the only part a resume may change).
     *
     * @param schedule the change to the saved schedule
     * @return the config, not yet validated
     */
    public GanConfig config(UnaryOperator<RunSchedule> schedule) {
        GanConfig saved = manifest.config();
        return saved.withSchedule(schedule.apply(saved.schedule()))
                .withData(run.pairDirection(saved.data())); // runs from before the direction was in the config
    }

    /**
     * Restores everything the checkpoint holds into a trainer built for {@link #config}, with its
     * listeners added: the game's state, the step, and the listeners' logs.
     *
     * @param trainer the trainer
     * @throws JganException with {@link JganException#BAD_CHECKPOINT} if the checkpoint does not fit,
     *     with {@link JganException#USAGE} if it lies beyond the run's length
     */
    public void restore(Trainer trainer) {
        if (manifest.step() < 0 || manifest.step() > trainer.totalSteps()) {
            throw new JganException(JganException.USAGE, "checkpoint " + checkpoint + " is at step " + manifest.step()
                    + ", beyond this run's " + trainer.totalSteps() + " steps: give more --epochs or --max-steps");
        }
        try {
            trainer.game().restore(checkpoint, manifest);
        } catch (IllegalArgumentException e) {
            throw new JganException(JganException.BAD_CHECKPOINT,
                    "checkpoint " + checkpoint + " does not fit this run: " + e.getMessage());
        }
        trainer.continueFrom(manifest.step());
        for (Path f : trainer.listenerFiles()) {
            try {
                Checkpoints.restoreFile(checkpoint, f);
            } catch (IOException e) {
                throw new JganException(JganException.IO, "cannot restore " + f + " from " + checkpoint + ": "
                        + e.getMessage());
            }
        }
    }
}
