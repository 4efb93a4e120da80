package io.jgan.cli;

import static io.jgan.cli.CliSmokeTest.jgan;
import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.JganException;
import io.jgan.sample.Sampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** N steps, stop, resume for N more: the same run, step for step, as 2N steps without a stop. */
class ResumeTest {

    @TempDir
    Path tmp;

    static String[] args(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--limit", "200", "--batch-size", "50", "--seed", "4",
                "--grid-every", "3", "--checkpoint-every", "4", "--keep-checkpoints", "5", "--no-progress", "--out",
                out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void resumedRunMatchesUninterruptedRun() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        assertThat(jgan(args(a, "--max-steps", "10")).exitCode()).isZero();
        assertThat(jgan(args(b, "--max-steps", "6")).exitCode()).isZero();
        // as if killed after step 6 but before its checkpoint: the newest checkpoint is step 4, while
        // metrics rows 5-6, a half-written row 7 and the grids of steps 4 and 6 are ahead of it
        try (Stream<Path> s = Files.walk(b.resolve("checkpoints/step-00000006"))) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Files.writeString(b.resolve("metrics.csv"), "7,2,3,0.12", java.nio.file.StandardOpenOption.APPEND); // half a row

        CliSmokeTest.Run r = jgan("train", "--resume", b.toString(), "--max-steps", "10", "--keep-checkpoints", "5",
                "--no-progress");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("resuming", "step 4");

        assertThat(lossColumns(b)).isEqualTo(lossColumns(a));
        assertThat(list(b.resolve("grids"))).isEqualTo(list(a.resolve("grids")));
        assertThat(list(b.resolve("checkpoints"))).isEqualTo(list(a.resolve("checkpoints")));
        assertThat(b.resolve("progress.gif")).isRegularFile();
        try (Sampler sa = Sampler.load(a); Sampler sb = Sampler.load(b)) {
            assertThat(sb.sample(4, 1)).isEqualTo(sa.sample(4, 1));
        }
    }

    @Test
    void resumeKeepsTheRunsSettingsAndSaysWhenThereIsNothingToDo() {
        Path c = tmp.resolve("c");
        assertThat(jgan(args(c, "--max-steps", "4")).exitCode()).isZero();
        CliSmokeTest.Run r = jgan("train", "--resume", c.toString(), "--lr", "0.1");
        assertThat(r.exitCode()).isEqualTo(JganException.USAGE);
        assertThat(r.err()).contains("--lr cannot be given with --resume");
        r = jgan("train", "--resume", c.toString(), "--no-progress");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("is complete (step 4 of 4)");
        r = jgan("train", "--resume", tmp.resolve("none").toString());
        assertThat(r.exitCode()).isEqualTo(JganException.BAD_CHECKPOINT);
    }

    @Test
    void theCheckpointHoldsTheMetricsAndTheRunsKeepSetting() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        assertThat(jgan(args(a, "--max-steps", "10")).exitCode()).isZero();
        assertThat(jgan(args(b, "--max-steps", "4")).exitCode()).isZero();
        assertThat(b.resolve("checkpoints/step-00000004/metrics.csv")).hasSameTextualContentAs(b.resolve("metrics.csv"));
        Files.delete(b.resolve("metrics.csv")); // the run's log is lost; the checkpoint's copy is not
        // neither --keep-checkpoints 5 nor --grid-every is repeated: the run's own settings hold
        CliSmokeTest.Run r = jgan("train", "--resume", b.toString(), "--max-steps", "10", "--no-progress");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(lossColumns(b)).isEqualTo(lossColumns(a));
        assertThat(list(b.resolve("checkpoints"))).isEqualTo(list(a.resolve("checkpoints"))).hasSize(3);
    }

    @Test
    void trainsOnAFolderOfRgbImages() throws Exception {
        Path images = tmp.resolve("images");
        java.util.Random rng = new java.util.Random(5);
        for (int i = 0; i < 12; i++) {
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(20, 24,
                    java.awt.image.BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 24; y++) {
                for (int x = 0; x < 20; x++) {
                    img.setRGB(x, y, rng.nextInt(1 << 24));
                }
            }
            javax.imageio.ImageIO.write(img, "jpg", images.resolve(i + ".jpg").toFile().getAbsoluteFile()
                    .getParentFile().mkdirs() || true ? images.resolve(i + ".jpg").toFile() : null);
        }
        Path run = tmp.resolve("rgb");
        CliSmokeTest.Run r = jgan("train", "--data", images.toString(), "--image-size", "16", "--batch-size", "4",
                "--max-steps", "3", "--no-progress", "--out", run.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("12 of 12 images of the images in");
        java.awt.image.BufferedImage grid = javax.imageio.ImageIO.read(run.resolve("grids/step-00000003.png").toFile());
        assertThat(grid.getColorModel().getNumComponents()).isEqualTo(3);
        try (Sampler s = Sampler.load(run)) {
            assertThat(s.model().channels()).isEqualTo(3);
            assertThat(s.sample(2, 0)).hasSize(2 * 3 * 16 * 16);
        }
        Path dc = tmp.resolve("dcgan");
        r = jgan("train", "--model", "dcgan", "--data", images.toString(), "--image-size", "32", "--batch-size", "4",
                "--max-steps", "2", "--no-progress", "--out", dc.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        try (Sampler s = Sampler.load(dc)) {
            assertThat(s.sample(2, 0)).hasSize(2 * 3 * 32 * 32);
        }
        r = jgan("train", "--model", "dcgan", "--data", images.toString(), "--image-size", "16", "--max-steps", "1",
                "--no-progress", "--out", tmp.resolve("x").toString());
        assertThat(r.exitCode()).isEqualTo(JganException.USAGE);
        assertThat(r.err()).contains("dcgan is built for square images of side 28, 32 or 64");
        r = jgan("train", "--data", images.toString(), "--max-steps", "1", "--no-progress", "--out",
                tmp.resolve("x").toString(), "--image-size", "500");
        assertThat(r.exitCode()).isEqualTo(JganException.USAGE);
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    /** step..D(G(z)) of every row: everything but the timings. */
    static List<String> lossColumns(Path run) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.csv"))) {
            String[] f = line.split(",");
            out.add(String.join(",", List.of(f).subList(0, 7)));
        }
        return out;
    }

    static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
