package io.jgan.checkpoint;

import io.jgan.config.GanConfig;
import java.util.List;

/**
 * {@code checkpoint.json}: what a checkpoint is and holds, enough to rebuild the generator (and
 * resume training) from the checkpoint folder alone.
 *
 * @param format always {@value CheckpointSchema#FORMAT}
 * @param formatVersion bumped on any incompatible change; readers refuse versions they do not know
 * @param jganVersion the version that wrote it
 * @param createdAt ISO-8601 time
 * @param step iterations completed
 * @param epoch epoch in progress when saved (from 1)
 * @param seed the run's seed
 * @param adamStepsG generator optimiser's step count
 * @param adamStepsD discriminator optimiser's step count
 * @param config the full run config
 * @param contents the tensor files in the folder, without extension
 */
public record CheckpointManifest(
        String format,
        int formatVersion,
        String jganVersion,
        String createdAt,
        long step,
        int epoch,
        long seed,
        long adamStepsG,
        long adamStepsD,
        GanConfig config,
        List<String> contents) {}
