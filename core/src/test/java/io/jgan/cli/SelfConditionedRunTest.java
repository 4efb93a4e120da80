package io.jgan.cli;

import static io.jgan.cli.CliSmokeTest.jgan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgan.JganException;
import io.jgan.config.DataConfig;
import io.jgan.data.PixelClusters;
import io.jgan.data.TrainingData;
import io.jgan.format.Json;
import io.jgan.format.SafeTensors;
import io.jgan.sample.Sampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --clusters K}, the self-conditioned GAN: the run keeps its clusters and their shares,
 * resumes exactly (the clusters are found again, the same), samples, evaluates and exports as
 * an unconditional model whose samples draw their cluster, and refuses --conditional beside it.
 */
class SelfConditionedRunTest {

    @TempDir
    Path tmp;

    private static final String[] TINY = {"--model", "dcgan", "--clusters", "4", "--limit", "256", "--batch-size", "32",
        "--feature-maps", "8", "--grid-every", "0", "--no-progress", "--no-tensorboard"};

    private CliSmokeTest.Run train(Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train"));
        args.addAll(List.of(TINY));
        args.addAll(List.of(more));
        args.addAll(List.of("--out", out.toString()));
        return jgan(args.toArray(String[]::new));
    }

    @Test
    void trainsResumesSamplesAndExportsWithItsClusters() throws IOException {
        Path whole = tmp.resolve("whole");
        CliSmokeTest.Run r = train(whole, "--max-steps", "6");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("in 4 k-means clusters of their pixels");
        JsonNode config = Json.MAPPER.readTree(whole.resolve("config.json").toFile());
        assertThat(config.at("/data/clusters").asInt()).isEqualTo(4);
        assertThat(config.at("/model/classes").asInt()).isEqualTo(4);
        // the shares are the clusters' sizes over the 256 images, largest first, to 6 decimals
        int[] sizes = PixelClusters.of(TrainingData.read(DataConfig.embedded(256)).images(), 4).sizes();
        JsonNode shares = config.at("/model/clusterShares");
        assertThat(shares.size()).isEqualTo(4);
        for (int c = 0; c < 4; c++) {
            assertThat(shares.get(c).asDouble()).isEqualTo(Math.round(1e6 * sizes[c] / 256.0) / 1e6);
        }

        // stopped at 3 and resumed to 6: the same generator as the run that did not stop
        Path split = tmp.resolve("split");
        r = train(split, "--max-steps", "3");
        assertThat(r.exitCode()).as(r.err()).isZero();
        r = jgan("train", "--resume", split.toString(), "--max-steps", "6", "--no-progress", "--no-tensorboard");
        assertThat(r.exitCode()).as(r.err()).isZero();
        try (Sampler a = Sampler.load(whole); Sampler b = Sampler.load(split)) {
            assertThat(b.sample(40, 3)).isEqualTo(a.sample(40, 3));
            assertThat(a.model().selfConditioned()).isTrue();
            // unasked samples draw their cluster by the shares; asked ones take the cluster asked for
            assertThat(a.sample(8, 3, 2)).isNotEqualTo(a.sample(8, 3));
        }

        // sampling asks clusters by --label; eval reports no class agreement (clusters are not digits)
        Path idx = tmp.resolve("s.idx");
        r = jgan("sample", "--checkpoint", whole.toString(), "--n", "20", "--label", "3", "--format", "idx",
                "--out", idx.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        r = jgan("sample", "--checkpoint", whole.toString(), "--n", "20", "--label", "4", "--out", idx.toString());
        assertThat(r.exitCode()).isEqualTo(JganException.USAGE);
        assertThat(r.err()).contains("--label 4 is not a class of this generator: use 0..3");
        r = jgan("eval", "--checkpoint", whole.toString(), "--n", "200");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("FCD").doesNotContain("class agreement");

        // export keeps the shares, import gives them back: the same samples
        Path file = tmp.resolve("g.safetensors");
        r = jgan("export", "--checkpoint", whole.toString(), "--out", file.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(SafeTensors.read(file).metadata()).containsEntry("classes", "4").containsKey("cluster_shares");
        Path back = tmp.resolve("imported");
        r = jgan("import", "--weights", file.toString(), "--out", back.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        try (Sampler a = Sampler.load(whole); Sampler b = Sampler.load(back)) {
            assertThat(b.model().clusterShares()).isEqualTo(a.model().clusterShares());
            assertThat(b.sample(24, 5)).isEqualTo(a.sample(24, 5));
        }
    }

    /** A resume finds the clusters again; if the data changed under the run, it stops and says so. */
    @Test
    void aResumeOnChangedDataIsRefused() throws IOException {
        byte[] px = TrainingData.read(DataConfig.embedded(400)).images().pixels();
        Path data = Files.createDirectories(tmp.resolve("digits"));
        Path images = data.resolve("train-images-idx3-ubyte");
        io.jgan.format.IdxWriter.writeImages(images, 200, 28, 28, java.util.Arrays.copyOf(px, 200 * 784));
        Path run = tmp.resolve("run");
        CliSmokeTest.Run r = jgan("train", "--model", "dcgan", "--clusters", "auto", "--data", data.toString(),
                "--batch-size", "32", "--feature-maps", "8", "--max-steps", "2", "--grid-every", "0", "--no-progress",
                "--no-tensorboard", "--out", run.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Json.MAPPER.readTree(run.resolve("config.json").toFile()).at("/data/clusters").asInt())
                .as("auto, resolved on 200 images").isEqualTo(2);
        io.jgan.format.IdxWriter.writeImages(images, 200, 28, 28, java.util.Arrays.copyOfRange(px, 200 * 784, 400 * 784));
        r = jgan("train", "--resume", run.toString(), "--max-steps", "4", "--no-progress", "--no-tensorboard");
        assertThat(r.exitCode()).isEqualTo(JganException.BAD_DATA);
        assertThat(r.err()).contains("clusters are not those of", "the data changed since the run started")
                .doesNotContain("\tat ");
    }

    @Test
    void clustersAndClassesExcludeEachOther() {
        CliSmokeTest.Run r = train(tmp.resolve("no"), "--conditional", "--max-steps", "1");
        assertThat(r.exitCode()).isEqualTo(JganException.USAGE);
        assertThat(r.err()).contains("give --conditional (the labels) or --clusters K (no labels), not both")
                .doesNotContain("\tat ");
        assertThat(Files.exists(tmp.resolve("no"))).isFalse();
        r = jgan("bench", "--model", "dcgan", "--conditional", "--clusters", "3", "--iterations", "1");
        assertThat(r.exitCode()).isEqualTo(JganException.USAGE);
        r = jgan("train", "--model", "dcgan", "--clusters", "1", "--max-steps", "1", "--out", tmp.resolve("no").toString());
        assertThat(r.exitCode()).isEqualTo(JganException.USAGE);
        assertThat(r.err()).contains("--clusters must be in 2..100");
        r = jgan("train", "--model", "dcgan", "--clusters", "many", "--max-steps", "1", "--out", tmp.resolve("no").toString());
        assertThat(r.exitCode()).isEqualTo(JganException.USAGE);
        assertThat(r.err()).contains("--clusters takes a number of clusters (2..100), auto, or 0 (off), got 'many'");
    }
}
