package io.jgan.sample;

import static io.jgan.cli.CliSmokeTest.jgan;
import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.JganException;
import io.jgan.cli.CliSmokeTest;
import io.jgan.config.ModelConfig;
import io.jgan.format.NamedTensor;
import io.jgan.format.SafeTensors;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Generators cross PyTorch's border unchanged: the tutorials' modules, built and run by PyTorch
 * itself ({@code scripts/pytorch-crosscheck.py make}, outputs in the test resources), sample the
 * same in jgan; jgan's export comes back through import bit for bit; bad files fail in one line.
 */
class GeneratorPortTest {

    @TempDir
    Path tmp;

    static Path resource(String name) {
        try {
            return Path.of(GeneratorPortTest.class.getResource("pytorch/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @CsvSource({"mlp, 100, 28", "mlp-bn, 10, 7", "dcgan, 100, 28"})
    void pytorchGeneratorsSampleAsInPytorch(String family, int latent, int side) {
        Path run = tmp.resolve(family);
        GeneratorPort.importWeights(resource(family + ".safetensors"), new GeneratorPort.ImportOptions(family, 0, null), run);
        SafeTensors.Contents ref = SafeTensors.read(resource(family + "-reference.safetensors"));
        float[] z = ref.tensors().get("z").data();
        float[] expected = ref.tensors().get("x").data(); // PyTorch's G(z), eval mode
        try (Sampler g = Sampler.load(run)) {
            ModelConfig m = g.model();
            assertThat(m.family()).isEqualTo(family);
            assertThat(m.latentDim()).isEqualTo(latent);
            assertThat(m.height()).isEqualTo(side);
            float[] x = g.generate(z, z.length / latent);
            assertThat(x).hasSameSizeAs(expected);
            assertThat(maxAbsDiff(x, expected)).as(family).isLessThanOrEqualTo(1e-5f);
            // the outputs are not trivially equal (a zero generator would match a zero reference)
            assertThat(maxAbsDiff(expected, new float[expected.length])).isGreaterThan(0.1f);
        }
    }

    /** A plain PyTorch state_dict (no jgan metadata) says its model by its tensor names alone. */
    @ParameterizedTest
    @CsvSource({"mlp, 100", "mlp-bn, 10", "dcgan, 100"})
    void theTutorialsModuleNamesNeedNoModelOption(String family, int latent) {
        Path run = tmp.resolve("recognised-" + family);
        CliSmokeTest.Run r = jgan("import", "--weights", resource(family + ".safetensors").toString(), "--out",
                run.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        try (Sampler g = Sampler.load(run)) {
            assertThat(g.model().family()).isEqualTo(family);
            assertThat(g.model().latentDim()).isEqualTo(latent);
        }
    }

    @Test
    void exportThenImportSamplesIdenticallyWithTheWeightAverage() throws IOException {
        Path run = tmp.resolve("trained");
        CliSmokeTest.Run trained = jgan("train", "--model", "dcgan", "--conditional", "--ema", "0.9", "--limit", "200",
                "--batch-size", "50", "--max-steps", "3", "--grid-every", "0", "--no-progress", "--no-tensorboard",
                "--out", run.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        Path file = tmp.resolve("g.safetensors");
        Path reference = tmp.resolve("g-reference.safetensors");
        CliSmokeTest.Run export = jgan("export", "--checkpoint", run.toString(), "--out", file.toString(),
                "--reference", reference.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();

        SafeTensors.Contents out = SafeTensors.read(file);
        assertThat(out.metadata()).containsEntry("family", "dcgan").containsEntry("classes", "10")
                .containsEntry("latent_dim", "100").containsEntry("weight_average", "ema.*").containsEntry("step", "3");
        // pytorch/examples' layout: ConvTranspose2d(nz + classes, 64, 7), BatchNorm2d, ..., no biases
        assertThat(out.tensors().get("main.0.weight").shape()).containsExactly(110, 64, 7, 7);
        assertThat(out.tensors().get("main.1.running_var").shape()).containsExactly(64);
        assertThat(out.tensors().get("main.3.weight").shape()).containsExactly(64, 32, 4, 4);
        assertThat(out.tensors().get("main.6.weight").shape()).containsExactly(32, 1, 4, 4);
        assertThat(out.tensors()).containsKey("ema.main.6.weight").hasSize(2 * 11);

        Path back = tmp.resolve("imported");
        CliSmokeTest.Run imported = jgan("import", "--weights", file.toString(), "--out", back.toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        try (Sampler a = Sampler.load(run); Sampler b = Sampler.load(back)) {
            assertThat(b.model()).isEqualTo(a.model());
            assertThat(b.manifest().contents()).containsExactly("generator", "generator-ema");
            assertThat(b.sample(12, 7, 3)).isEqualTo(a.sample(12, 7, 3));
            assertThat(b.sample(12, 8)).isEqualTo(a.sample(12, 8));
        }
        // the reference holds what jgan samples: the average's G(z) for its z and labels
        SafeTensors.Contents ref = SafeTensors.read(reference);
        try (Sampler a = Sampler.load(run)) {
            float[] labels = ref.tensors().get("labels").data();
            int[] y = new int[labels.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = (int) labels[i];
            }
            assertThat(a.generate(ref.tensors().get("z").data(), y)).isEqualTo(ref.tensors().get("x").data());
        }
        // an imported generator holds no D or optimiser state: resuming it is refused cleanly
        CliSmokeTest.Run resume = jgan("train", "--resume", back.toString(), "--no-progress");
        assertThat(resume.exitCode()).isEqualTo(JganException.BAD_CHECKPOINT);
        assertThat(resume.err()).contains("discriminator");
    }

    /**
     * A DCGAN of another width (--feature-maps 16, D at 8) exports with its width in the metadata
     * and its shapes, and comes back the same, from the metadata or, without it, from the shapes.
     */
    @Test
    void aWiderOrNarrowerDcganExportsAndImportsItsWidth() throws IOException {
        Path run = tmp.resolve("narrow");
        CliSmokeTest.Run trained = jgan("train", "--model", "dcgan", "--feature-maps", "16", "--d-feature-maps", "8",
                "--limit", "200", "--batch-size", "50", "--max-steps", "2", "--grid-every", "0", "--no-progress",
                "--no-tensorboard", "--out", run.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        Path file = tmp.resolve("narrow.safetensors");
        CliSmokeTest.Run export = jgan("export", "--checkpoint", run.toString(), "--out", file.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        SafeTensors.Contents out = SafeTensors.read(file);
        assertThat(out.metadata()).containsEntry("feature_maps", "16");
        assertThat(out.tensors().get("main.0.weight").shape()).containsExactly(100, 32, 7, 7); // 2 x 16 maps at 7x7
        assertThat(out.tensors().get("main.6.weight").shape()).containsExactly(16, 1, 4, 4);
        // the same tensors without jgan's metadata: the width is read off the last layer's shape
        Path bare = tmp.resolve("bare.safetensors");
        List<NamedTensor> tensors = new ArrayList<>();
        for (SafeTensors.Entry e : out.tensors().values()) {
            tensors.add(new NamedTensor(e.name(), e.shape(), e.data()));
        }
        SafeTensors.write(bare, tensors, Map.of());
        for (Path weights : List.of(file, bare)) {
            Path back = tmp.resolve("imported-" + weights.getFileName());
            CliSmokeTest.Run imported = jgan("import", "--weights", weights.toString(), "--out", back.toString());
            assertThat(imported.exitCode()).as(imported.err()).isZero();
            try (Sampler a = Sampler.load(run); Sampler b = Sampler.load(back)) {
                assertThat(b.model().featureMaps()).isEqualTo(16);
                assertThat(b.sample(6, 2)).isEqualTo(a.sample(6, 2));
            }
        }
    }

    /** The other direction, in PyTorch itself: only where Debian's python3-torch is installed. */
    @Test
    void pytorchLoadsAnExportAndGivesJgansSamples() throws Exception {
        Assumptions.assumeTrue(torchAvailable(), "needs /usr/bin/python3 with torch (apt-get install python3-torch)");
        for (String model : List.of("mlp", "mlp-bn", "dcgan")) {
            Path run = tmp.resolve("run-" + model);
            CliSmokeTest.Run trained = jgan("train", "--model", model, "--limit", "200", "--batch-size", "50",
                    "--max-steps", "3", "--grid-every", "0", "--no-progress", "--no-tensorboard", "--out", run.toString());
            assertThat(trained.exitCode()).as(trained.err()).isZero();
            Path file = tmp.resolve(model + ".safetensors");
            Path ref = tmp.resolve(model + "-ref.safetensors");
            assertThat(jgan("export", "--checkpoint", run.toString(), "--out", file.toString(), "--reference",
                    ref.toString()).exitCode()).isZero();
            Process p = new ProcessBuilder("/usr/bin/python3", "../scripts/pytorch-crosscheck.py", "check", file.toString(),
                    ref.toString()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(output).contains("max |difference|");
        }
    }

    @Test
    void halfPrecisionDecodesExactly() {
        assertThat(SafeTensors.halfToFloat((short) 0x3c00)).isEqualTo(1f);
        assertThat(SafeTensors.halfToFloat((short) 0xc000)).isEqualTo(-2f);
        assertThat(SafeTensors.halfToFloat((short) 0x7bff)).isEqualTo(65504f);
        assertThat(SafeTensors.halfToFloat((short) 0x3555)).isEqualTo(0.333251953125f); // 1365/4096
        assertThat(SafeTensors.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f); // smallest subnormal
        assertThat(SafeTensors.halfToFloat((short) 0x8000)).isEqualTo(-0f);
        assertThat(SafeTensors.halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(SafeTensors.halfToFloat((short) 0x7e00)).isNaN();
    }

    // ----------------------------------------------------------------------------- bad files

    @Test
    void badFilesExitFourWithOneLine() throws IOException {
        byte[] good = Files.readAllBytes(resource("dcgan-reference.safetensors"));
        int headerLength = (int) ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(good, 8, headerLength, StandardCharsets.UTF_8);

        assertBad(withLength(good, good.length), "declares a header of");
        assertBad(withHeader(good, "{\"z\": [1, 2"), "header that is not JSON");
        assertBad(withHeader(good, "[1, 2, 3]"), "not a JSON object");
        assertBad(withHeader(good, header.replace("\"data_offsets\": [3200, 3232]", "\"data_offsets\": [3100, 3132]")),
                "whose data overlap");
        assertBad(withHeader(good, header.replace("\"data_offsets\": [3232, 28320]", "\"data_offsets\": [3232, 99999]")),
                "outside the data");
        assertBad(withHeader(good, header.replace("\"dtype\": \"F32\"", "\"dtype\": \"U8\"")),
                "dtype U8, which jgan does not read");
        assertBad(java.util.Arrays.copyOf(good, good.length - 4), "bytes");

        // a PyTorch state_dict with a tensor missing, misshapen, or foreign to the model
        Map<String, NamedTensor> mlp = new LinkedHashMap<>();
        SafeTensors.read(resource("mlp.safetensors")).tensors().forEach((k, v) -> mlp.put(k, v.toNamedTensor()));
        Map<String, NamedTensor> missing = new LinkedHashMap<>(mlp);
        missing.remove("hidden2.0.bias");
        assertImportFails(missing, "tensor hidden2.0.bias is missing");
        Map<String, NamedTensor> misshapen = new LinkedHashMap<>(mlp);
        misshapen.put("hidden1.0.weight", new NamedTensor("hidden1.0.weight", new long[] {512, 250}, new float[512 * 250]));
        assertImportFails(misshapen, "tensor hidden1.0.weight has shape [512, 250] but a mlp");
        Map<String, NamedTensor> extra = new LinkedHashMap<>(mlp);
        extra.put("hidden3.0.weight", new NamedTensor("hidden3.0.weight", new long[] {2}, new float[2]));
        assertImportFails(extra, "tensor hidden3.0.weight is not part of a mlp");
        // and the wrong --model for a good file
        CliSmokeTest.Run wrong = jgan("import", "--weights", resource("mlp.safetensors").toString(), "--model", "dcgan",
                "--out", tmp.resolve("wrong").toString());
        assertThat(wrong.exitCode()).isEqualTo(JganException.BAD_CHECKPOINT);
        assertThat(wrong.err()).contains("main.0.weight is missing");
        assertThat(tmp.resolve("wrong")).doesNotExist(); // nothing written for a refused file
    }

    @Test
    void mutatedFilesOnlyEverFailCleanly() throws IOException {
        byte[] good = Files.readAllBytes(resource("mlp-bn-reference.safetensors"));
        int headerLength = (int) ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(good, 8, headerLength, StandardCharsets.UTF_8);
        Random rng = new Random(16);
        int failed = 0;
        for (int c = 0; c < 300; c++) {
            byte[] bad = c % 2 == 0 ? mutateHeader(good, headerLength, rng)
                    : withHeader(good, io.jgan.checkpoint.ReaderFuzzTest.mutateJsonNumber(header, rng));
            try {
                SafeTensors.read(bad, Path.of("case-" + c));
            } catch (JganException e) {
                assertThat(e.exitCode()).isEqualTo(JganException.BAD_CHECKPOINT);
                assertThat(e.getMessage()).doesNotContain("\n").contains("case-" + c);
                failed++;
            } catch (Throwable t) {
                throw new AssertionError("case " + c + " failed with " + t, t);
            }
        }
        assertThat(failed).isGreaterThan(150);
    }

    private void assertBad(byte[] file, String message) throws IOException {
        Path p = Files.write(tmp.resolve("bad-" + System.nanoTime() + ".safetensors"), file);
        CliSmokeTest.Run r = jgan("import", "--weights", p.toString(), "--model", "mlp", "--out",
                tmp.resolve("out-" + System.nanoTime()).toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(JganException.BAD_CHECKPOINT);
        assertThat(r.err().strip()).contains(message).doesNotContain("\n").startsWith("jgan: error:");
    }

    private void assertImportFails(Map<String, NamedTensor> tensors, String message) throws IOException {
        Path p = tmp.resolve("sd-" + System.nanoTime() + ".safetensors");
        SafeTensors.write(p, new ArrayList<>(tensors.values()), Map.of());
        CliSmokeTest.Run r = jgan("import", "--weights", p.toString(), "--model", "mlp", "--out",
                tmp.resolve("out-" + System.nanoTime()).toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(JganException.BAD_CHECKPOINT);
        assertThat(r.err().strip()).contains(message).doesNotContain("\n");
    }

    /** The file with its header replaced (and the length field updated). */
    static byte[] withHeader(byte[] file, String header) {
        int old = (int) ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + file.length - 8 - old).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(file, 8 + old, file.length - 8 - old);
        return out.array();
    }

    static byte[] withLength(byte[] file, long length) {
        byte[] b = file.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
        return b;
    }

    /** Flips bytes within the length field and the header, or cuts the file inside the header. */
    static byte[] mutateHeader(byte[] good, int headerLength, Random rng) {
        byte[] b = good.clone();
        switch (rng.nextInt(3)) {
            case 0 -> {
                for (int k = 1 + rng.nextInt(3); k > 0; k--) {
                    b[rng.nextInt(8 + headerLength)] ^= (byte) (1 + rng.nextInt(255));
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, rng.nextInt(8 + headerLength));
            default -> {
                long[] extremes = {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 32, headerLength + 1, headerLength - 1};
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, extremes[rng.nextInt(extremes.length)]);
            }
        }
        return b;
    }

    static float maxAbsDiff(float[] a, float[] b) {
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static boolean torchAvailable() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
