package io.jgan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two ranks launched by a Spark barrier stage train exactly as two started by jgan train --nproc 2. */
class DistributedTrainingTest extends SparkTestBase {

    @TempDir
    Path tmp;

    static String[] args(Path out) {
        return new String[] {"--limit", "200", "--batch-size", "50", "--max-steps", "6", "--seed", "3",
            "--checkpoint-every", "3", "--no-progress", "--out", out.toString()};
    }

    @Test
    void barrierStageTrainsAsNprocDoes() throws Exception {
        Path byNproc = tmp.resolve("nproc");
        List<String> a = new ArrayList<>(List.of("train", "--nproc", "2"));
        a.addAll(Arrays.asList(args(byNproc)));
        Run r = jgan(a.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();

        Path bySpark = tmp.resolve("spark");
        List<String> b = new ArrayList<>(List.of("train", "--ranks", "2"));
        b.addAll(Arrays.asList(args(bySpark)));
        r = jganSpark(b.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("2 ranks trained");
        List<String> want = losses(byNproc);
        assertThat(want).hasSize(6);
        assertThat(losses(bySpark)).isEqualTo(want);
        // the same weights: the two generators draw the same samples
        try (io.jgan.sample.Sampler x = io.jgan.sample.Sampler.load(byNproc);
                io.jgan.sample.Sampler y = io.jgan.sample.Sampler.load(bySpark)) {
            assertThat(y.manifest().step()).isEqualTo(6);
            assertThat(y.sample(8, 1)).isEqualTo(x.sample(8, 1));
        }
    }

    @Test
    void optionsTheStageSetsAndUnknownOnesAreRefused() {
        Run r = jganSpark("train", "--ranks", "2", "--nproc", "2", "--out", tmp.resolve("x").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--nproc is set by the Spark stage").hasLineCount(1);
        r = jganSpark("train", "--ranks", "2", "--lerning-rate", "1", "--out", tmp.resolve("x").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--lerning-rate").hasLineCount(1);
        r = jganSpark("train", "--ranks", "2");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("give --out DIR");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    /** step, epoch, batch, lossD, lossG, D(x), D(G(z)) of every step (the timings differ). */
    private static List<String> losses(Path run) throws Exception {
        return Files.readAllLines(run.resolve("metrics.csv")).stream().skip(1)
                .map(l -> String.join(",", Arrays.copyOf(l.split(","), 7))).toList();
    }
}
