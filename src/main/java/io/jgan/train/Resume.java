package io.jgan.train;

import io.jgan.JganException;
import io.jgan.io.CheckpointManifest;
import io.jgan.io.Checkpoints;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a resumed run restores, in one place: the checkpoint it continues from, the training state
 * (networks, optimisers, G's average, fixed noise, step), and the logs its listeners own, copied back
 * from the checkpoint (a run killed after its last checkpoint has logs that ran ahead of it). Each
 * listener then drops what lies beyond the checkpoint's step from its own files in
 * {@link TrainingListener#onStart} (rows of a log, grids).
 */
public final class Resume {

    private final Path checkpoint;
    private final CheckpointManifest manifest;

    private Resume(Path checkpoint, CheckpointManifest manifest) {
        this.checkpoint = checkpoint;
        this.manifest = manifest;
    }

    /**
     * Finds the checkpoint to continue from.
     *
     * @param runOrCheckpoint a run folder (its newest checkpoint) or a checkpoint folder
     * @return the resume
     * @throws JganException if there is no readable checkpoint
     */
    public static Resume from(Path runOrCheckpoint) {
        Path dir = Checkpoints.resolve(runOrCheckpoint);
        return new Resume(dir, Checkpoints.readManifest(dir));
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
    public Path runDir() {
        return checkpoint.getParent().getParent();
    }

    /**
     * Puts the training state where the checkpoint recorded it.
     *
     * @param trainer a trainer built for the checkpoint's config
     */
    public void restoreState(GanTrainer trainer) {
        trainer.restore(checkpoint, manifest);
    }

    /**
     * Copies the trainer's listeners' logs back from the checkpoint (those it holds), before
     * training starts.
     *
     * @param trainer the trainer with its listeners added
     * @throws JganException if a file cannot be written
     */
    public void restoreFiles(GanTrainer trainer) {
        List<Path> files = trainer.listenerFiles();
        for (Path f : files) {
            try {
                Checkpoints.restoreFile(checkpoint, f);
            } catch (IOException e) {
                throw new JganException(JganException.IO, "cannot restore " + f + " from " + checkpoint + ": "
                        + e.getMessage());
            }
        }
    }
}
