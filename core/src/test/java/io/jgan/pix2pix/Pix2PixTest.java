package io.jgan.pix2pix;

import static io.jgan.cli.CliSmokeTest.jgan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jgan.JganException;
import io.jgan.cli.CliSmokeTest;
import io.jgan.config.GanConfig;
import io.jgan.data.ImageSet;
import io.jgan.data.PairedData;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.format.NamedTensor;
import io.jgan.model.Family;
import io.jgan.model.Network;
import io.jgan.model.UNet;
import io.jgan.session.TrainingSession;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** pix2pix: the networks' shapes, the skip connections, the losses by hand, learning, and bad pairs. */
class Pix2PixTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"1, 28, 49", "3, 28, 49", "1, 32, 64", "3, 64, 64"})
    void uNetAndPatchGanShapes(int channels, int side, int patches) {
        int dim = channels * side * side;
        try (Scope m = Scope.open(); Network g = new Network("g", new UNet(channels, side), dim);
                Network d = new Network("d", UNet.patchDiscriminator(channels, side), 2 * dim)) {
            Tensor x = Torch.rand(3, dim).mul(new org.bytedeco.pytorch.Scalar(2.0)).sub(new org.bytedeco.pytorch.Scalar(1.0));
            Tensor y = g.forward(x, true);
            assertThat(Torch.shape(y)).containsExactly(3, dim);
            float[] v = Torch.floats(y);
            for (float f : v) {
                assertThat(f).isBetween(-1f, 1f); // tanh out
            }
            Tensor logits = d.forward(Pix2PixStep.pair(y, x), true);
            assertThat(Torch.shape(logits)).containsExactly(3, patches); // one logit per patch
        }
    }

    /**
     * With the innermost decoder's weights zeroed, nothing of the input passes through the
     * bottleneck; G's output still depends on its input only through the skip connections (with
     * the concatenation removed from UNet.forwardInternal, the two outputs below are equal).
     */
    @Test
    void skipConnectionsCarryTheEncodersMaps() {
        try (Scope m = Scope.open(); Network g = new Network("g", new UNet(1, 32), 1024)) {
            List<NamedTensor> zeroed = new ArrayList<>();
            for (NamedTensor t : g.toTensors()) {
                boolean innermost = t.name().contains("decoder0") && t.name().endsWith("Upsample2x_weight");
                zeroed.add(innermost ? new NamedTensor(t.name(), t.shape(), new float[t.data().length]) : t);
            }
            assertThat(zeroed.stream().filter(t -> t.name().contains("decoder0"))).isNotEmpty();
            g.copyFrom(zeroed);
            Tensor a = Torch.rand(2, 1024).mul(new org.bytedeco.pytorch.Scalar(2.0)).sub(new org.bytedeco.pytorch.Scalar(1.0));
            Tensor b = Torch.rand(2, 1024).mul(new org.bytedeco.pytorch.Scalar(2.0)).sub(new org.bytedeco.pytorch.Scalar(1.0));
            Torch.seed(5); // the same dropout masks for both
            float[] ya = Torch.floats(g.forward(a, false));
            Torch.seed(5);
            float[] yb = Torch.floats(g.forward(b, false));
            double diff = 0;
            for (int i = 0; i < ya.length; i++) {
                diff += Math.abs(ya[i] - yb[i]);
            }
            assertThat(diff / ya.length).as("mean |G(a) - G(b)|").isGreaterThan(1e-3);
        }
    }

    @Test
    void lossesByHand() {
        try (Scope m = Scope.open()) {
            Tensor real = Torch.tensor(new float[] {0f, 2f}, 1, 2); // two patches
            Tensor fake = Torch.tensor(new float[] {-1f, 1f}, 1, 2);
            // BCE(real, 1) = mean(ln(1 + e^0), ln(1 + e^-2)) = mean(0.693147, 0.126928) = 0.410038
            // BCE(fake, 0) = mean(ln(1 + e^-1), ln(1 + e^1)) = mean(0.313262, 1.313262) = 0.813262
            assertThat(Torch.item(Pix2PixStep.discriminatorLoss(real, fake))).isCloseTo(0.611650f, within(1e-5f));
            // G: BCE(fake, 1) = mean(1.313262, 0.313262) = 0.813262; + 100 x L1 0.25
            Tensor l1 = Torch.tensor(new float[] {0.25f});
            assertThat(Torch.item(Pix2PixStep.generatorLoss(fake, l1, 100f))).isCloseTo(25.813262f, within(1e-4f));
        }
    }

    @Test
    void sketchIsTheOutline() {
        // a 3x3 block of ink in a 5x5 image: its centre is not an edge, the eight around it are
        byte[] img = new byte[25];
        for (int y = 1; y <= 3; y++) {
            for (int x = 1; x <= 3; x++) {
                img[y * 5 + x] = (byte) 200;
            }
        }
        img[0] = (byte) 100; // faint ink (below half): not ink, not drawn
        byte[] s = PairedData.sketch(img, 5, 5);
        int drawn = 0;
        for (byte b : s) {
            drawn += (b & 0xff) == 255 ? 1 : 0;
        }
        assertThat(drawn).isEqualTo(8);
        assertThat(s[2 * 5 + 2]).isZero();
        assertThat(s[0]).isZero();
        assertThat(PairedData.sketch(img, 5, 5)).isEqualTo(s); // deterministic
    }

    /**
     * A real, small task: colour inversion of 28x28 digits (b = 255 - a). G starts near 0 (L1 about
     * 0.5 on the [0, 1] scale); in 200 iterations of batch 16 it must get below 0.08 on held-out pairs.
     */
    @Test
    void learnsColourInversion() {
        PairedData digits = PairedData.digitSketches(400);
        byte[] inverted = digits.targets().pixels().clone();
        for (int i = 0; i < inverted.length; i++) {
            inverted[i] = (byte) (255 - (inverted[i] & 0xff));
        }
        ImageSet t = digits.targets();
        PairedData pairs = new PairedData(t, new ImageSet(t.count(), 1, 28, 28, inverted), digits.labels(),
                digits.names(), "inverted digits");
        GanConfig config = Family.PIX2PIX.preset(100).withTrain(b -> b.batchSize(16).seed(3))
                .withSchedule(s -> s.maxSteps(200).gridEvery(0).checkpointEvery(0)).validate();
        Pix2PixGame game = new Pix2PixGame(config, pairs);
        try (TrainingSession session = TrainingSession.of(config, game, new TrainingSession.Options(tmp.resolve("run"),
                false, false, new PrintWriter(System.err), null))) {
            Pix2PixEval before = eval(game, config);
            session.run();
            Pix2PixEval after = eval(game, config);
            assertThat(before.l1()).isGreaterThan(0.3);
            assertThat(after.l1()).as("held-out L1 after 200 iterations").isLessThan(0.08);
            assertThat(after.psnr()).isGreaterThan(before.psnr() + 8);
        }
        assertThat(tmp.resolve("run/metrics.csv")).exists();
        assertThat(tmp.resolve("run/grids/step-00000200.png")).exists();
        assertThat(tmp.resolve("run/checkpoints/step-00000200/generator.tensors")).exists();
    }

    private static Pix2PixEval eval(Pix2PixGame game, GanConfig config) {
        int first = game.trainCount();
        byte[] targets = Arrays.copyOfRange(game.pairs().targets().pixels(), first * 784,
                game.pairs().targets().count() * 784);
        return Pix2PixEval.measure(game.translate(game.heldOutInputs(), game.pairs().inputs().count() - first),
                targets, null, config.model(), null);
    }

    @Test
    void trainThenTranslateFromTheCommandLine() throws IOException {
        Path run = tmp.resolve("p2p");
        CliSmokeTest.Run trained = jgan("train", "--model", "pix2pix", "--limit", "200", "--batch-size", "20",
                "--max-steps", "4", "--no-progress", "--out", run.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        assertThat(trained.out()).contains("class agreement").contains("PSNR");
        // TensorBoard: the scalars of every step, the grid as an image
        Path events;
        try (var files = Files.list(run.resolve("tensorboard"))) {
            events = files.findFirst().orElseThrow();
        }
        java.util.Map<String, Integer> tags = new java.util.TreeMap<>();
        for (io.jgan.format.TfEvents.Event e : io.jgan.format.TfEvents.read(events).events()) {
            for (io.jgan.format.TfEvents.Value v : e.values()) {
                tags.merge(v.tag(), 1, Integer::sum);
            }
        }
        assertThat(tags).containsEntry("loss/L1", 4).containsEntry("loss/D", 4).containsEntry("D/fake", 4)
                .containsKey("samples/translations").containsKey("config");
        Path inputs = Files.createDirectories(tmp.resolve("sketches"));
        for (int i = 0; i < 3; i++) {
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setSample(10 + i, 10, 0, 255);
            ImageIO.write(img, "png", inputs.resolve("s" + i + ".png").toFile());
        }
        CliSmokeTest.Run tr = jgan("translate", "--checkpoint", run.toString(), "--input", inputs.toString(), "--out",
                tmp.resolve("translated").toString());
        assertThat(tr.exitCode()).as(tr.err()).isZero();
        assertThat(tmp.resolve("translated/s0.png")).exists();
        assertThat(tmp.resolve("translated/overview.png")).exists();
        // the serve page's runs list shows it like the others, with the FCD measured at its end
        io.jgan.serve.RunIndex.Summary summary = new io.jgan.serve.RunIndex(List.of(tmp)).summary("p2p");
        assertThat(summary.model()).isEqualTo("pix2pix");
        assertThat(summary.step()).isEqualTo(4);
        assertThat(summary.bestFcd()).isNotNull().isPositive();
        // jgan eval measures a pix2pix checkpoint on its run's held-out pairs
        CliSmokeTest.Run ev = jgan("eval", "--checkpoint", run.toString());
        assertThat(ev.exitCode()).as(ev.err()).isZero();
        assertThat(ev.out()).contains("20 held-out pairs").contains("class agreement").contains("pairs 180..199");
        // a noise sampler is not a translator, and a pix2pix generator does not sample noise
        CliSmokeTest.Run sample = jgan("sample", "--checkpoint", run.toString(), "--out", tmp.resolve("x.png").toString());
        assertThat(sample.exitCode()).isEqualTo(JganException.USAGE);
        assertThat(sample.err()).contains("use jgan translate");
        // options that mean nothing to pix2pix are refused, not ignored
        CliSmokeTest.Run ema = jgan("train", "--model", "pix2pix", "--ema", "0.9", "--out", tmp.resolve("e").toString());
        assertThat(ema.exitCode()).isEqualTo(JganException.USAGE);
        assertThat(ema.err()).contains("--ema does not apply to --model pix2pix");
    }

    /** 6 steps, against 3 steps then --resume to 6: the same losses at every step, the same weights. */
    @Test
    void resumeContinuesAsIfNeverStopped() throws IOException {
        String[] common = {"train", "--model", "pix2pix", "--limit", "200", "--batch-size", "20", "--no-progress",
            "--no-tensorboard", "--checkpoint-every", "3", "--out"};
        Path whole = tmp.resolve("whole");
        Path split = tmp.resolve("split");
        assertThat(jgan(concat(common, whole.toString(), "--max-steps", "6")).exitCode()).isZero();
        assertThat(jgan(concat(common, split.toString(), "--max-steps", "3")).exitCode()).isZero();
        CliSmokeTest.Run resumed = jgan("train", "--resume", split.toString(), "--max-steps", "6", "--no-progress");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming");
        assertThat(losses(split)).hasSize(6).isEqualTo(losses(whole));
        try (io.jgan.sample.Sampler a = io.jgan.sample.Sampler.load(whole);
                io.jgan.sample.Sampler b = io.jgan.sample.Sampler.load(split)) {
            assertThat(b.manifest().step()).isEqualTo(6);
            assertThat(b.manifest().contents()).contains("adam-generator", "adam-discriminator");
        }
        // a model option with --resume is refused, as for the GAN families
        CliSmokeTest.Run bad = jgan("train", "--resume", split.toString(), "--l1-weight", "5");
        assertThat(bad.exitCode()).isEqualTo(JganException.USAGE);
    }

    private static List<String> losses(Path run) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.csv")).subList(1, 7)) {
            String[] f = line.split(",");
            out.add(String.join(",", Arrays.copyOfRange(f, 0, 7))); // step..D(G(z)): not the times
        }
        return out;
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Colour side-by-side pairs of 32x32 (pix2pix's own layout, 64 wide), trained both ways. */
    @Test
    void colourSideBySidePairsTrain() throws IOException {
        Path side = sideBySidePairs(tmp.resolve("facades"), 32, 2);
        for (String direction : List.of("AtoB", "BtoA")) {
            Path run = tmp.resolve("colour-" + direction);
            CliSmokeTest.Run r = jgan("train", "--model", "pix2pix", "--data", side.toString(), "--direction", direction,
                    "--batch-size", "4", "--max-steps", "2", "--no-progress", "--no-tensorboard", "--out", run.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("12 pairs from").contains("(" + direction + ")").contains("11 to train, 1 held out");
            try (io.jgan.sample.Sampler g = io.jgan.sample.Sampler.load(run)) {
                assertThat(g.model().channels()).isEqualTo(3);
                assertThat(g.model().height()).isEqualTo(32);
            }
        }
    }

    /**
     * A run made before the pairs' direction was part of the config kept it in {@code pix2pix.json}:
     * such a run (its config and checkpoint without the field, and the side file) resumes in its own
     * direction, to the losses of a run never stopped.
     */
    @Test
    void runsThatKeptTheirDirectionInASideFileStillResume() throws IOException {
        Path side = sideBySidePairs(tmp.resolve("pairs"), 28, 5);
        String[] common = {"train", "--model", "pix2pix", "--data", side.toString(), "--direction", "BtoA",
            "--batch-size", "4", "--no-progress", "--no-tensorboard", "--out"};
        Path whole = tmp.resolve("whole-btoa");
        Path old = tmp.resolve("old-btoa");
        assertThat(jgan(concat(common, whole.toString(), "--max-steps", "4")).exitCode()).isZero();
        assertThat(jgan(concat(common, old.toString(), "--max-steps", "2")).exitCode()).isZero();
        // make it a run of the earlier layout
        Path checkpoint = io.jgan.checkpoint.Checkpoints.latest(old.resolve("checkpoints")).orElseThrow();
        for (Path json : List.of(old.resolve("config.json"), checkpoint.resolve("checkpoint.json"))) {
            com.fasterxml.jackson.databind.node.ObjectNode root =
                    (com.fasterxml.jackson.databind.node.ObjectNode) io.jgan.format.Json.MAPPER.readTree(json.toFile());
            com.fasterxml.jackson.databind.node.ObjectNode data = (com.fasterxml.jackson.databind.node.ObjectNode)
                    (root.has("config") ? root.get("config") : root).get("data");
            assertThat(data.remove("direction").asText()).isEqualTo("BtoA");
            io.jgan.format.Json.MAPPER.writeValue(json.toFile(), root);
        }
        Files.writeString(old.resolve("pix2pix.json"), "{\"direction\":\"BtoA\"}");
        CliSmokeTest.Run resumed = jgan("train", "--resume", old.toString(), "--max-steps", "4", "--no-progress");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(Files.readAllLines(old.resolve("metrics.csv"))).hasSize(5);
        assertThat(Files.readAllLines(old.resolve("metrics.csv")).stream().map(l -> l.split(",", 8)[6]).toList())
                .isEqualTo(Files.readAllLines(whole.resolve("metrics.csv")).stream().map(l -> l.split(",", 8)[6])
                        .toList());
        assertThat(Files.readString(old.resolve("config.json"))).contains("\"direction\" : \"BtoA\"");
    }

    /** 12 random colour side-by-side pairs (A left, B right) of a side, in a new folder. */
    private static Path sideBySidePairs(Path dir, int side, long seed) throws IOException {
        Files.createDirectories(dir);
        java.util.Random rng = new java.util.Random(seed);
        for (int i = 0; i < 12; i++) {
            BufferedImage img = new BufferedImage(2 * side, side, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < 2 * side; x++) {
                    img.setRGB(x, y, rng.nextInt(1 << 24));
                }
            }
            ImageIO.write(img, "png", dir.resolve(String.format("p%02d.png", i)).toFile());
        }
        return dir;
    }

    @Test
    void badPairsAreNamed() throws IOException {
        Path ab = tmp.resolve("ab");
        Files.createDirectories(ab.resolve("A"));
        Files.createDirectories(ab.resolve("B"));
        png(ab.resolve("A/one.png"), 28, 28);
        png(ab.resolve("B/one.png"), 28, 28);
        png(ab.resolve("A/two.png"), 28, 28);
        assertBad(ab, "unpaired image: " + ab.resolve("A").resolve("two.png"));
        png(ab.resolve("B/two.png"), 32, 32);
        assertBad(ab, "pair two.png has different sizes: A is 28x28 but B is 32x32");

        Path side = tmp.resolve("side");
        Files.createDirectories(side);
        png(side.resolve("p.png"), 57, 28);
        assertBad(side, "57 pixels wide, an odd width");
    }

    private void assertBad(Path data, String message) {
        CliSmokeTest.Run r = jgan("train", "--model", "pix2pix", "--data", data.toString(), "--no-progress", "--out",
                tmp.resolve("out-" + System.nanoTime()).toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(JganException.BAD_DATA);
        assertThat(r.err().strip()).contains(message).doesNotContain("\n");
    }

    private static void png(Path f, int w, int h) throws IOException {
        ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY), "png", f.toFile());
    }
}
