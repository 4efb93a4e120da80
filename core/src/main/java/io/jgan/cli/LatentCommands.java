package io.jgan.cli;

import io.jgan.JganException;
import io.jgan.config.ModelConfig;
import io.jgan.format.AnimatedGif;
import io.jgan.format.ImageGrid;
import io.jgan.model.LatentNoise;
import io.jgan.sample.LatentWalks;
import io.jgan.sample.Sampler;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jgan interpolate} and {@code jgan traverse}: walks through a trained G's latent space. */
final class LatentCommands {

    private LatentCommands() {}

    /** {@code jgan interpolate}: a GIF of samples walking between pairs of latent points. */
    @Command(name = "interpolate", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Write an animated GIF of samples walking between latent points.",
                "--n walks side by side, slerp by default, there and back."})
    static final class Interpolate implements Callable<Integer> {

        @Mixin
        EngineOptions engine;

        @Spec
        CommandSpec spec;

        @Mixin
        CheckpointOption from;

        @Option(names = "--n", paramLabel = "N", description = "walks shown side by side (default ${DEFAULT-VALUE})")
        int n = 16;

        @Option(names = "--frames", paramLabel = "N", description = "frames from one end to the other (default ${DEFAULT-VALUE})")
        int frames = 24;

        @Mixin
        NoiseSeedOption noise;

        @Option(names = "--linear", description = "straight lines instead of slerp")
        boolean linear;

        @Option(names = "--scale", paramLabel = "N", description = "pixel magnification (default ${DEFAULT-VALUE})")
        int scale = 3;

        @Mixin
        OutFileOption file;

        @Override
        public Integer call() {
            engine.apply();
            check(n >= 1 && n <= 256, "--n must be in 1..256, got " + n);
            check(frames >= 2 && frames <= 500, "--frames must be in 2..500, got " + frames);
            check(scale >= 1 && scale <= 16, "--scale must be in 1..16, got " + scale);
            SampleCommand.requireOutputFolder(file.out);
            try (Sampler sampler = Sampler.load(from.checkpoint)) {
                ModelConfig m = sampler.model();
                int latent = m.latentDim();
                float[] a = LatentNoise.gaussian(noise.seed * 2 + 1, n * latent);
                float[] b = LatentNoise.gaussian(noise.seed * 2 + 2, n * latent);
                List<BufferedImage> images = new ArrayList<>();
                for (int f = 0; f < frames; f++) {
                    double t = f / (double) (frames - 1);
                    float[] z = new float[n * latent];
                    for (int k = 0; k < n; k++) {
                        float[] za = java.util.Arrays.copyOfRange(a, k * latent, (k + 1) * latent);
                        float[] zb = java.util.Arrays.copyOfRange(b, k * latent, (k + 1) * latent);
                        float[] zt = linear ? LatentWalks.lerp(za, zb, t) : LatentWalks.slerp(za, zb, t);
                        System.arraycopy(zt, 0, z, k * latent, latent);
                    }
                    images.add(ImageGrid.render(sampler.generate(z, n), n, m.channels(), m.height(), m.width(),
                            m.range(), ImageGrid.squareRow(n), 2, scale));
                }
                for (int f = frames - 2; f > 0; f--) { // and back, so the GIF loops smoothly
                    images.add(images.get(f));
                }
                write(() -> AnimatedGif.write(file.out, images, 80), file.out);
                spec.commandLine().getOut().printf("jgan: wrote %d frames of %d walks to %s%n", images.size(), n, file.out);
            }
            return 0;
        }
    }

    /** {@code jgan traverse}: one row per latent dimension, that dimension swept, the rest fixed. */
    @Command(name = "traverse", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Write a grid with one row per latent dimension (how the noise vector's dimensions come"
                + " to control features).",
                "Each row sweeps its dimension from -range to +range while the others stay at one",
                "random point."})
    static final class Traverse implements Callable<Integer> {

        @Mixin
        EngineOptions engine;

        @Spec
        CommandSpec spec;

        @Mixin
        CheckpointOption from;

        @Option(names = "--dim", paramLabel = "K", split = ",",
                description = "dimensions to vary, e.g. --dim 0,3,7 (default: the first 10)")
        int[] dims;

        @Option(names = "--steps", paramLabel = "N", description = "values per row (default ${DEFAULT-VALUE})")
        int steps = 9;

        @Option(names = "--range", paramLabel = "R", description = "values run from -R to R (default ${DEFAULT-VALUE})")
        double range = 3.0;

        @Mixin
        NoiseSeedOption noise;

        @Option(names = "--scale", paramLabel = "N", description = "pixel magnification (default ${DEFAULT-VALUE})")
        int scale = 2;

        @Option(names = "--label", paramLabel = "K", description = "class, for a conditional generator, or cluster, for a self-conditioned one (default 0)")
        int label;

        @Mixin
        OutFileOption file;

        @Override
        public Integer call() {
            engine.apply();
            check(steps >= 2 && steps <= 64, "--steps must be in 2..64, got " + steps);
            check(range > 0 && range <= 100, "--range must be in (0, 100], got " + range);
            check(scale >= 1 && scale <= 16, "--scale must be in 1..16, got " + scale);
            SampleCommand.requireOutputFolder(file.out);
            try (Sampler sampler = Sampler.load(from.checkpoint)) {
                ModelConfig m = sampler.model();
                int latent = m.latentDim();
                int[] k = dims != null ? dims : java.util.stream.IntStream.range(0, Math.min(10, latent)).toArray();
                for (int d : k) {
                    check(d >= 0 && d < latent, "--dim " + d + " is outside the latent vector: use 0.." + (latent - 1));
                }
                check(k.length <= 128, "at most 128 dimensions per grid");
                float[] z = LatentWalks.traversal(LatentNoise.gaussian(noise.seed, latent), k, steps, range);
                int rows = k.length * steps;
                float[] x;
                if (m.conditional()) {
                    int[] labels = new int[rows];
                    java.util.Arrays.fill(labels, label);
                    x = sampler.generate(z, labels);
                } else {
                    x = sampler.generate(z, rows);
                }
                BufferedImage grid = ImageGrid.render(x, rows, m.channels(), m.height(),
                        m.width(), m.range(), steps, 2, scale);
                write(() -> ImageGrid.writePng(file.out, grid), file.out);
                spec.commandLine().getOut().printf("jgan: wrote %d rows (dimensions %s) x %d values to %s%n", k.length,
                        java.util.Arrays.toString(k), steps, file.out);
            }
            return 0;
        }
    }

    private interface Io {
        void run() throws IOException;
    }

    private static void write(Io io, Path out) {
        try {
            io.run();
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write " + out + ": " + e.getMessage());
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new JganException(JganException.USAGE, message);
        }
    }
}
