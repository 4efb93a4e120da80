package io.jgan.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --out FILE}: the one file a command writes (sample, interpolate, traverse, export). */
public final class OutFileOption {

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "file to write (PNG or IDX for sample, GIF for interpolate, PNG for traverse, safetensors for"
                    + " export)")
    Path out;
}
