package io.jgan.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --checkpoint RUN}: the trained generator a command uses (every command that loads one). */
public final class CheckpointOption {

    @Option(names = "--checkpoint", required = true, paramLabel = "RUN",
            description = "run folder (its newest checkpoint) or checkpoint folder")
    Path checkpoint;
}
