package io.jgan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.sample.SampleFolder;
import io.jgan.sample.Sampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Samples made by Spark tasks are jgan sample's, byte for byte, however the ids are partitioned. */
class SparkSamplerTest extends SparkTestBase {

    @TempDir
    Path tmp;

    @Test
    void partitionsGiveJganSamplesBytes() throws Exception {
        Path run = trained();
        int n = 200; // blocks of 64: 64, 64, 64, 8 ids; 3 partitions get 1, 1 and 2 blocks
        Path dir = tmp.resolve("dir");
        assertThat(jgan("sample", "--checkpoint", run.toString(), "--n", "" + n, "--seed", "7", "--format", "dir",
                "--out", dir.toString()).exitCode()).isZero();
        float[] x;
        try (Sampler s = Sampler.load(run)) {
            x = s.sample(n, 7);
        }
        for (int partitions : new int[] {1, 2, 3}) {
            Dataset<Row> ds = SparkSampler.samples(spark, run, new SampleSpec(n, 7, partitions, null, true, true));
            assertThat(ds.rdd().getNumPartitions()).isEqualTo(partitions);
            List<Row> rows = ds.orderBy("id").collectAsList();
            assertThat(rows).hasSize(n);
            for (int i = 0; i < n; i++) {
                Row r = rows.get(i);
                assertThat(r.getLong(0)).isEqualTo(i);
                assertThat(r.isNullAt(1)).isTrue();
                assertThat((byte[]) r.getAs("png")).as("png %d, %d partitions", i, partitions)
                        .isEqualTo(Files.readAllBytes(dir.resolve(SampleFolder.name(i, -1))));
                List<Float> px = r.getList(3);
                for (int j = 0; j < 784; j += 97) {
                    assertThat(px.get(j)).isEqualTo((x[i * 784 + j] + 1f) / 2f, org.assertj.core.data.Offset.offset(0f));
                }
            }
        }
    }

    @Test
    void conditionalSamplesCarryTheirClassAndWriteAsFilesAndParquet() throws Exception {
        Path run = trained("--conditional");
        Path dir = tmp.resolve("dir");
        assertThat(jgan("sample", "--checkpoint", run.toString(), "--n", "70", "--format", "dir", "--out",
                dir.toString()).exitCode()).isZero();
        Path out = tmp.resolve("pngs");
        Run r = jganSpark("sample", "--checkpoint", run.toString(), "--n", "70", "--partitions", "2", "--format", "png",
                "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote 70 samples");
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) { // 000069-class-9.png, ...: same names, same bytes
                assertThat(out.resolve(f.getFileName())).hasBinaryContent(Files.readAllBytes(f));
            }
        }
        Path parquet = tmp.resolve("parquet");
        r = jganSpark("sample", "--checkpoint", run.toString(), "--n", "70", "--partitions", "3", "--label", "4",
                "--columns", "png,pixels", "--out", parquet.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Dataset<Row> back = spark.read().parquet(parquet.toString());
        assertThat(back.count()).isEqualTo(70);
        assertThat(back.select("label").distinct().collectAsList()).extracting(x -> x.getInt(0)).containsExactly(4);
        assertThat(back.columns()).containsExactly("id", "label", "png", "pixels");
    }

    @Test
    void badInputIsOneLineBeforeAnyTask() throws Exception {
        Path run = trained();
        Run r = jganSpark("sample", "--checkpoint", tmp.resolve("nowhere").toString(), "--n", "10", "--out",
                tmp.resolve("o1").toString());
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.err()).startsWith("jgan-spark: error: ").doesNotContain("Exception").hasLineCount(1);
        Path foreign = Files.createDirectories(tmp.resolve("foreign"));
        Files.writeString(foreign.resolve("checkpoint.json"), "{\"format\": \"something-else\"}");
        r = jganSpark("sample", "--checkpoint", foreign.toString(), "--n", "10", "--out", tmp.resolve("o2").toString());
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.err()).hasLineCount(1);
        r = jganSpark("sample", "--checkpoint", run.toString(), "--n", "10", "--label", "3", "--out",
                tmp.resolve("o3").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("not conditional").hasLineCount(1);
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "mine");
        r = jganSpark("sample", "--checkpoint", run.toString(), "--n", "10", "--out", full.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("already holds files").hasLineCount(1);
        assertThat(full.resolve("keep.txt")).hasContent("mine");
        Path locked = Files.createDirectories(tmp.resolve("locked"));
        locked.toFile().setWritable(false);
        r = jganSpark("sample", "--checkpoint", run.toString(), "--n", "10", "--out", locked.resolve("x").toString());
        locked.toFile().setWritable(true);
        if (!"root".equals(System.getProperty("user.name"))) { // root writes anywhere
            assertThat(r.exitCode()).isEqualTo(5);
            assertThat(r.err()).contains("cannot write").hasLineCount(1);
        }
        // a folder that cannot be made (its parent is a file): refused even for root
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        r = jganSpark("sample", "--checkpoint", run.toString(), "--n", "10", "--out", file.resolve("out").toString());
        assertThat(r.exitCode()).isEqualTo(5);
        assertThat(r.err()).startsWith("jgan-spark: error: cannot write").hasLineCount(1);
        r = jganSpark("sample", "--checkpoint", run.toString(), "--n", "0", "--out", tmp.resolve("o4").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--n must be");
    }
}
