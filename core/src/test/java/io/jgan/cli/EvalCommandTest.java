package io.jgan.cli;

import static io.jgan.cli.CliSmokeTest.jgan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgan.JganException;
import io.jgan.format.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jgan eval} on a checkpoint and on IDX files, and {@code train --eval-every} with resume. */
class EvalCommandTest {

    @TempDir
    Path tmp;

    @Test
    void evaluatesACheckpointAndSamplesFilesWithTheirProtocol() throws Exception {
        Path run = tmp.resolve("run");
        assertThat(jgan("train", "--limit", "200", "--batch-size", "50", "--max-steps", "3", "--no-progress", "--out",
                run.toString()).exitCode()).isZero();
        Path json = tmp.resolve("eval.json");
        CliSmokeTest.Run r = jgan("eval", "--checkpoint", run.toString(), "--n", "300", "--json", json.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("FCD", "KID", "classifier score", "precision", "coverage", "nearest training image",
                "jgan-lenet-128 v1");
        JsonNode report = Json.MAPPER.readTree(json.toFile());
        assertThat(report.at("/protocol/generatedCount").asInt()).isEqualTo(300);
        assertThat(report.at("/protocol/domain").asText()).isEqualTo("mnist");
        assertThat(report.at("/memorisation/trainingCount").asInt()).isEqualTo(200);
        double untrained = report.get("fcd").asDouble();

        // the same samples through `sample --format idx` give the same numbers
        Path idx = tmp.resolve("s-idx3-ubyte.gz");
        assertThat(jgan("sample", "--checkpoint", run.toString(), "--n", "300", "--seed", "0", "--format", "idx",
                "--out", idx.toString()).exitCode()).isZero();
        Path json2 = tmp.resolve("eval2.json");
        assertThat(jgan("eval", "--samples", idx.toString(), "--json", json2.toString()).exitCode()).isZero();
        assertThat(Json.MAPPER.readTree(json2.toFile()).get("fcd").asDouble()).isCloseTo(untrained,
                org.assertj.core.data.Offset.offset(1e-6 * untrained));

        // ... and so does `sample --format dir`: one PNG a sample, read back as an image folder
        Path dir = tmp.resolve("s-dir");
        CliSmokeTest.Run d = jgan("sample", "--checkpoint", run.toString(), "--n", "300", "--seed", "0", "--format",
                "dir", "--out", dir.toString());
        assertThat(d.exitCode()).as(d.err()).isZero();
        assertThat(dir.resolve("000000.png")).exists();
        assertThat(dir.resolve("000299.png")).exists();
        Path json4 = tmp.resolve("eval4.json");
        assertThat(jgan("eval", "--samples", dir.toString(), "--json", json4.toString()).exitCode()).isZero();
        assertThat(Json.MAPPER.readTree(json4.toFile()).get("fcd").asDouble()).isCloseTo(untrained,
                org.assertj.core.data.Offset.offset(1e-6 * untrained));
        // a folder that holds anything is refused, and nothing is written into it
        CliSmokeTest.Run again = jgan("sample", "--checkpoint", run.toString(), "--n", "3", "--format", "dir", "--out",
                dir.toString());
        assertThat(again.exitCode()).isEqualTo(JganException.USAGE);
        assertThat(again.err()).contains("is not empty");

        // real digits score far better than a generator after 3 steps
        byte[] px = new byte[300 * 784];
        var images = io.jgan.data.IdxReader.readImages(
                EvalCommandTest.class.getResourceAsStream("/io/jgan/data/mnist10k/train-images-idx3-ubyte.gz"), "mnist");
        System.arraycopy(images.pixels(), 9000 * 784, px, 0, px.length);
        Path real = tmp.resolve("real-idx3-ubyte");
        io.jgan.format.IdxWriter.writeImages(real, 300, 28, 28, px);
        Path json3 = tmp.resolve("eval3.json");
        assertThat(jgan("eval", "--samples", real.toString(), "--json", json3.toString()).exitCode()).isZero();
        JsonNode realReport = Json.MAPPER.readTree(json3.toFile());
        assertThat(realReport.get("fcd").asDouble()).isLessThan(untrained / 20);
        assertThat(realReport.get("recall").asDouble()).isGreaterThan(0.7);

        r = jgan("eval", "--checkpoint", run.toString(), "--domain", "cifar");
        assertThat(r.exitCode()).isEqualTo(JganException.USAGE);
        assertThat(r.err()).contains("unknown domain 'cifar'");
        r = jgan("eval", "--samples", tmp.resolve("missing").toString());
        assertThat(r.exitCode()).isEqualTo(JganException.BAD_DATA);
    }

    @Test
    void trainingMeasuresQualityEveryNStepsAndResumesItsLog() throws Exception {
        Path a = tmp.resolve("a");
        List<String> common = List.of("train", "--limit", "200", "--batch-size", "50", "--eval-every", "2",
                "--eval-samples", "100", "--checkpoint-every", "2", "--keep-checkpoints", "3", "--no-progress");
        assertThat(jgan(args(common, "--max-steps", "6", "--out", a.toString())).exitCode()).isZero();
        List<String> full = Files.readAllLines(a.resolve("eval.csv"));
        assertThat(full).hasSize(4).first().asString().startsWith("step,fcd,kid");
        assertThat(full.subList(1, 4)).extracting(l -> l.split(",")[0]).containsExactly("2", "4", "6");
        assertThat(a.resolve("eval.png")).isRegularFile();
        // and TensorBoard has them as scalars at the same steps, with the CSV's values
        var tb = TensorBoardTest.scalars(List.of(io.jgan.format.TfEvents.read(TensorBoardTest.eventFiles(a).get(0))));
        assertThat(tb).containsKeys("eval/fcd", "eval/kid", "eval/classifier_score", "eval/class_kl", "eval/precision",
                "eval/recall", "eval/density", "eval/coverage");
        for (String row : full.subList(1, 4)) {
            String[] f = row.split(",");
            assertThat(tb.get("eval/fcd").get(Long.parseLong(f[0]))).singleElement()
                    .satisfies(v -> assertThat((double) v).isCloseTo(Double.parseDouble(f[1]), within(1e-4)));
        }

        Path b = tmp.resolve("b");
        assertThat(jgan(args(common, "--max-steps", "4", "--out", b.toString())).exitCode()).isZero();
        Files.delete(b.resolve("eval.csv"));
        CliSmokeTest.Run r = jgan("train", "--resume", b.toString(), "--max-steps", "6", "--no-progress");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> resumed = Files.readAllLines(b.resolve("eval.csv"));
        // everything but the timing column matches the uninterrupted run
        assertThat(resumed).extracting(EvalCommandTest::withoutSeconds)
                .isEqualTo(full.stream().map(EvalCommandTest::withoutSeconds).toList());

        r = jgan("train", "--model", "mlp", "--data", tmp.resolve("nothing").toString(), "--eval-every", "5");
        assertThat(r.exitCode()).isEqualTo(JganException.BAD_DATA);
    }

    private static String withoutSeconds(String line) {
        return line.substring(0, line.lastIndexOf(','));
    }

    private static String[] args(List<String> common, String... more) {
        List<String> all = new java.util.ArrayList<>(common);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
