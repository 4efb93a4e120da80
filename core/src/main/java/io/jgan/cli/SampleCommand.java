package io.jgan.cli;

import io.jgan.JganException;
import io.jgan.config.ModelConfig;
import io.jgan.format.IdxWriter;
import io.jgan.format.ImageGrid;
import io.jgan.model.LatentNoise;
import io.jgan.sample.SampleFolder;
import io.jgan.sample.Sampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jgan sample}: rebuild G from a checkpoint alone and write samples. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Draw samples from a trained generator (a run folder or a checkpoint folder).")
public final class SampleCommand implements Callable<Integer> {

    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOption from;

    @Option(names = "--n", paramLabel = "N", description = "number of samples (default ${DEFAULT-VALUE})")
    int n = 64;

    @Mixin
    NoiseSeedOption noise;

    @Mixin
    OutFileOption file;

    @Option(names = "--format", paramLabel = "FMT", description = "png (a grid, default), idx (uint8 IDX, 0 = black:"
            + " rank 3 like MNIST, or rank 4 (N, C, H, W) for colour) or dir (--out is a folder: one PNG a sample, named by index and class; any channels)")
    String format = "png";

    @Option(names = "--label", paramLabel = "K", description = "class to draw, for a conditional generator (default:"
            + " all classes in turn), or cluster, for a self-conditioned one (--clusters; default: clusters in their"
            + " shares of the data)")
    Integer label;

    @Option(names = "--nrow", paramLabel = "N", description = "samples per grid row (default: square)")
    Integer nrow;

    @Option(names = "--scale", paramLabel = "N", description = "pixel magnification of the grid (default ${DEFAULT-VALUE})")
    int scale = 2;

    @Override
    public Integer call() throws IOException {
        engine.apply();
        if (n < 1 || n > 1_000_000) {
            throw new JganException(JganException.USAGE, "--n must be in 1..1000000, got " + n);
        }
        if (!format.equals("png") && !format.equals("idx") && !format.equals("dir")) {
            throw new JganException(JganException.USAGE, "unknown --format '" + format + "': use png, idx or dir");
        }
        if (scale < 1 || scale > 16) {
            throw new JganException(JganException.USAGE, "--scale must be in 1..16, got " + scale);
        }
        requireOutputFolder(file.out);
        try (Sampler sampler = Sampler.load(from.checkpoint)) {
            ModelConfig m = sampler.model();
            float[] x = label != null ? sampler.sample(n, noise.seed, label) : sampler.sample(n, noise.seed);
            try {
                if (format.equals("dir")) {
                    int[] labels = !m.conditional() ? null : label != null ? filled(n, label)
                            : LatentNoise.unaskedLabels(m, 0, n);
                    SampleFolder.write(file.out, m, x, n, labels);
                } else if (format.equals("idx")) {
                    byte[] px = new byte[x.length];
                    for (int i = 0; i < x.length; i++) {
                        px[i] = (byte) m.range().toByte(x[i]);
                    }
                    IdxWriter.writeImages(file.out, n, m.channels(), m.height(), m.width(), px);
                } else {
                    ImageGrid.writePng(file.out, ImageGrid.render(x, n, m.channels(), m.height(), m.width(), m.range(),
                            nrow != null ? nrow : ImageGrid.squareRow(n), 2, scale));
                }
            } catch (IOException e) {
                throw new JganException(JganException.IO, "cannot write " + file.out + ": " + e.getMessage());
            }
            spec.commandLine().getOut().printf("jgan: wrote %d samples from %s (step %d) to %s%n", n,
                    sampler.checkpoint(), sampler.manifest().step(), file.out);
        }
        return 0;
    }

    private static int[] filled(int n, int label) {
        int[] y = new int[n];
        java.util.Arrays.fill(y, label);
        return y;
    }

    /**
     * Checks, before any work, that an output file's folder exists (every command that writes a
     * file the user names).
     *
     * @param out the file to be written
     * @throws JganException (exit 5) naming the folder
     */
    static void requireOutputFolder(Path out) {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new JganException(JganException.IO, Files.exists(parent)
                    ? "cannot write " + out + ": " + parent + " is a file, not a folder"
                    : "output folder " + parent + " does not exist: create it first");
        }
    }
}
