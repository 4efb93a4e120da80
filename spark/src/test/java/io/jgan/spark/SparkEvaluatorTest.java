package io.jgan.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgan.eval.EvalReport;
import io.jgan.format.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spark's evaluation of images equals jgan eval's on the same images, whatever the partitioning. */
class SparkEvaluatorTest extends SparkTestBase {

    @TempDir
    Path tmp;

    @Test
    void samplesOfACheckpointMeasureAsJganEvalMeasuresThem() throws Exception {
        Path run = trained("--conditional");
        Path want = tmp.resolve("want.json");
        Run r = jgan("eval", "--checkpoint", run.toString(), "--n", "300", "--seed", "2", "--domain", "mnist",
                "--json", want.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode expected = Json.MAPPER.readTree(want.toFile());
        assertThat(expected.get("classAgreement")).isNotNull(); // a conditional G: classes asked by id
        // PNG bytes under 1, 2 and 3 partitions; the float column under 2
        int[][] cases = {{1, 1}, {2, 1}, {3, 1}, {2, 0}};
        for (int[] c : cases) {
            boolean png = c[1] == 1;
            Dataset<Row> samples = SparkSampler.samples(spark, run, new SampleSpec(300, 2, c[0], null, png, !png));
            EvalReport got = SparkEvaluator.evaluate(samples, ShippedClassifier.domain("mnist"), 2, "test");
            same(Json.MAPPER.valueToTree(got), expected, c[0] + " partitions, png " + png);
        }
        // the command line, with a JSON report
        Path json = tmp.resolve("got.json");
        r = jganSpark("eval", "--checkpoint", run.toString(), "--n", "300", "--seed", "2", "--partitions", "3",
                "--json", json.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("FCD");
        same(Json.MAPPER.readTree(json.toFile()), expected, "jgan-spark eval");
    }

    @Test
    void aFolderOfPngFilesMeasuresAsJganEvalMeasuresIt() throws Exception {
        Path run = trained();
        Path dir = tmp.resolve("pngs");
        assertThat(jgan("sample", "--checkpoint", run.toString(), "--n", "150", "--seed", "5", "--format", "dir",
                "--out", dir.toString()).exitCode()).isZero();
        Path want = tmp.resolve("want.json");
        Run r = jgan("eval", "--samples", dir.toString(), "--seed", "5", "--json", want.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode expected = Json.MAPPER.readTree(want.toFile());
        Path json = tmp.resolve("got.json");
        r = jganSpark("eval", "--samples", dir.toString(), "--seed", "5", "--partitions", "2", "--json", json.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        same(Json.MAPPER.readTree(json.toFile()), expected, "binaryFile");
        // and Parquet written by jgan-spark sample
        Path parquet = tmp.resolve("parquet");
        assertThat(jganSpark("sample", "--checkpoint", run.toString(), "--n", "150", "--seed", "5", "--partitions", "3",
                "--out", parquet.toString()).exitCode()).isZero();
        r = jganSpark("eval", "--samples", parquet.toString(), "--seed", "5", "--json", json.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        same(Json.MAPPER.readTree(json.toFile()), expected, "parquet");
    }

    @Test
    void badInputIsOneLine() throws Exception {
        Run r = jganSpark("eval", "--samples", tmp.resolve("nowhere").toString());
        assertThat(r.exitCode()).isEqualTo(5);
        assertThat(r.err()).contains("does not exist").hasLineCount(1);
        Path parquet = tmp.resolve("noimages");
        spark.range(5).write().parquet(parquet.toString());
        r = jganSpark("eval", "--samples", parquet.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("no image column").hasLineCount(1);
        r = jganSpark("eval", "--samples", parquet.toString(), "--domain", "cifar");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown domain").hasLineCount(1);
        Path pngs = Files.createDirectories(tmp.resolve("big"));
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        javax.imageio.ImageIO.write(img, "png", pngs.resolve("a.png").toFile());
        javax.imageio.ImageIO.write(img, "png", pngs.resolve("b.png").toFile());
        r = jganSpark("eval", "--samples", pngs.toString());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("is 32x32").contains("28x28").hasLineCount(1);
    }

    /** Every number of the report to 1e-6 relative; the class shares and the agreement exactly. */
    private static void same(JsonNode got, JsonNode want, String what) {
        assertThat(got.get("fcd").asDouble()).as(what + ": fcd")
                .isCloseTo(want.get("fcd").asDouble(), within(1e-6 * want.get("fcd").asDouble()));
        for (String f : new String[] {"kid", "kidStd", "classifierScore", "meanMaxProbability", "classKlToUniform",
            "precision", "recall", "density", "coverage"}) {
            // 1e-6 relative (and 1e-12 absolute near 0): a task's one thread and the driver's two sum
            // the classifier's products in another order, which moves a feature's last bits
            double w = want.get(f).asDouble();
            assertThat(got.get(f).asDouble()).as(what + ": " + f).isCloseTo(w, within(1e-12 + 1e-6 * Math.abs(w)));
        }
        for (int c = 0; c < want.get("classShares").size(); c++) {
            assertThat(got.get("classShares").get(c).asDouble()).as(what + ": share " + c)
                    .isEqualTo(want.get("classShares").get(c).asDouble());
        }
        if (want.has("classAgreement")) {
            assertThat(got.get("classAgreement").asDouble()).as(what + ": agreement")
                    .isEqualTo(want.get("classAgreement").asDouble());
        }
        assertThat(got.get("protocol").get("generatedCount").asInt()).isEqualTo(want.get("protocol").get("generatedCount").asInt());
    }
}
