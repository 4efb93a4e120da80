package io.jgan.cli;

import static io.jgan.cli.CliSmokeTest.jgan;
import static io.jgan.cli.ResumeTest.lossColumns;
import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.checkpoint.CheckpointSchema;
import io.jgan.checkpoint.Checkpoints;
import io.jgan.format.NamedTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --spectral-norm} in a run: every layer of D carries weight_orig, weight_u and weight_v,
 * the vectors are in the checkpoint, and a resumed run goes on exactly (it would not if u and v
 * started again from their first draw), lazy R1 (every 3rd D update, across the resume) and DiffAugment included. A run without the flag writes the config it always did.
 */
class SpectralNormRunTest {

    @TempDir
    Path tmp;

    private static String[] args(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--model", "dcgan", "--spectral-norm", "--loss", "hinge", "--r1",
                "0.5", "--r1-every", "3", "--augment", "color,translation,cutout",
                "--limit", "256", "--batch-size", "32", "--seed", "3", "--grid-every", "4", "--checkpoint-every", "4",
                "--no-progress", "--no-tensorboard", "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** Trains a for {@code steps}, b for half as many and resumes b to {@code steps}: both the same. */
    private void resumesExactly(Path a, Path b, int steps, String... more) throws Exception {
        List<String> m = new ArrayList<>(List.of(more));
        m.addAll(List.of("--max-steps", String.valueOf(steps)));
        assertThat(jgan(args(a, m.toArray(String[]::new))).exitCode()).isZero();
        m.set(m.size() - 1, String.valueOf(steps / 2));
        assertThat(jgan(args(b, m.toArray(String[]::new))).exitCode()).isZero();
        CliSmokeTest.Run r = jgan("train", "--resume", b.toString(), "--max-steps", String.valueOf(steps), "--no-progress");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(lossColumns(b)).isEqualTo(lossColumns(a));
    }

    @Test
    void theVectorsAreCheckpointedAndAResumedRunGoesOnExactly() throws Exception {
        Path a = tmp.resolve("a");
        resumesExactly(a, tmp.resolve("b"), 8);

        List<String> names = Checkpoints.readPart(a.resolve("checkpoints/step-00000008"), CheckpointSchema.DISCRIMINATOR)
                .stream().map(NamedTensor::name).toList();
        // 28x28: two strided convolutions and the whole-map one, each normalised
        assertThat(names.stream().filter(n -> n.endsWith("_weight_u"))).hasSize(3);
        assertThat(names.stream().filter(n -> n.endsWith("_weight_orig"))).hasSize(3);
        assertThat(names.stream().filter(n -> n.endsWith("_weight"))).isEmpty();
        assertThat(Files.readString(a.resolve("config.json"))).contains("\"spectralNorm\" : true")
                .contains("\"r1Gamma\" : 0.5").contains("\"r1Every\" : 3")
                .contains("\"augment\" : \"color,translation,cutout\"");
    }

    /** ADA's probability: the extra draws for it are made in the same order after a resume. */
    @Test
    void aRunAugmentingWithAProbabilityResumesExactly() throws Exception {
        Path a = tmp.resolve("pa5");
        resumesExactly(a, tmp.resolve("pb5"), 6, "--augment-p", "0.5");
        Path every = tmp.resolve("p1");
        assertThat(jgan(args(every, "--max-steps", "6")).exitCode()).isZero();
        assertThat(lossColumns(a)).as("p changes what D sees").isNotEqualTo(lossColumns(every));
        assertThat(Files.readString(a.resolve("config.json"))).contains("\"augmentP\" : 0.5");
        CliSmokeTest.Run refused = jgan("train", "--augment-p", "0.5", "--limit", "100", "--out",
                tmp.resolve("pe").toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("--augment-p 0.5 needs --augment POLICIES");
        refused = jgan(args(tmp.resolve("pf"), "--augment-p", "1.5"));
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("--augment-p must be in (0, 1], got 1.5");
        assertThat(tmp.resolve("pe")).doesNotExist();
        assertThat(tmp.resolve("pf")).doesNotExist();
    }

    @Test
    void aConditionalDcganWithAProjectionDiscriminatorTrainsAndResumes() throws Exception {
        Path a = tmp.resolve("pa");
        resumesExactly(a, tmp.resolve("pb"), 6, "--conditional", "--projection");
        List<String> names = Checkpoints.readPart(a.resolve("checkpoints/step-00000006"), CheckpointSchema.DISCRIMINATOR)
                .stream().map(NamedTensor::name).toList();
        assertThat(names).contains("03Linear_weight_orig", "03Linear_weight_u"); // the embedding, normalised too
        // its partner G takes the class through conditional batch norm: a gain per class in each of its batch norms
        List<NamedTensor> g = Checkpoints.readPart(a.resolve("checkpoints/step-00000006"), CheckpointSchema.GENERATOR);
        assertThat(g.stream().filter(t -> t.name().endsWith("ConditionalBatchNorm_gamma")))
                .hasSize(2).allSatisfy(t -> assertThat(t.shape()[0]).isEqualTo(10));
        assertThat(g.get(0).shape()[1]).as("z alone into G's first layer").isEqualTo(100);
        assertThat(Files.readString(a.resolve("config.json"))).contains("\"classNorm\" : true");
        CliSmokeTest.Run sevens = jgan("sample", "--checkpoint", a.toString(), "--n", "4", "--label", "7", "--out",
                tmp.resolve("sevens.png").toString());
        assertThat(sevens.exitCode()).as(sevens.err()).isZero();
        Path report = tmp.resolve("eval.json");
        CliSmokeTest.Run eval = jgan("eval", "--checkpoint", a.toString(), "--n", "100", "--json", report.toString());
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("class agreement");
        assertThat(io.jgan.format.Json.MAPPER.readTree(report.toFile()).get("classAgreement").asDouble()).isBetween(0.0,
                1.0);
        CliSmokeTest.Run export = jgan("export", "--checkpoint", a.toString(), "--out", tmp.resolve("g.safetensors")
                .toString());
        assertThat(export.exitCode()).isEqualTo(2);
        assertThat(export.err()).contains("conditional batch norm");
        assertThat(tmp.resolve("g.safetensors")).doesNotExist();
        CliSmokeTest.Run refused = jgan(args(tmp.resolve("pc"), "--projection", "--max-steps", "1"));
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("--projection needs --conditional");
        refused = jgan("train", "--projection", "--conditional", "--limit", "100", "--out", tmp.resolve("pd").toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("--projection is a class-conditional convolutional discriminator");
    }

    /**
     * With per-class gains that all start at exactly 1, the conditional G ignores the class at
     * first, the projection D tells classes apart at once, and G drifts to one flat gray image
     * (its output's RMS fell from 0.14 at step 20 to 0.007 at step 300, every class alike);
     * drawn from N(1, 0.02) as DCGAN's batch-norm scales are, the classes differ from the start
     * and G draws strokes (RMS 0.71 at step 300). 120 steps on 2,000 digits tell them apart: RMS
     * 0.041 with gains from 1, 0.258 with gains from N(1, 0.02).
     */
    @Test
    void theProjectionPairsGeneratorDoesNotFadeToGray() throws Exception {
        Path run = tmp.resolve("gray");
        CliSmokeTest.Run r = jgan("train", "--model", "dcgan", "--conditional", "--projection", "--limit", "2000",
                "--max-steps", "120", "--no-progress", "--no-tensorboard", "--out", run.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        try (io.jgan.sample.Sampler g = io.jgan.sample.Sampler.load(run)) {
            float[] x = g.sample(40, 1);
            double sq = 0;
            for (float v : x) {
                sq += v * v;
            }
            assertThat(Math.sqrt(sq / x.length)).as("RMS of G's pixels in [-1, 1]").isGreaterThan(0.15);
        }
    }

    @Test
    void withoutTheFlagTheConfigIsWhatItWas() throws Exception {
        Path c = tmp.resolve("c");
        assertThat(jgan("train", "--limit", "200", "--max-steps", "1", "--no-progress", "--out", c.toString())
                .exitCode()).isZero();
        assertThat(Files.readString(c.resolve("config.json"))).doesNotContain("spectral").doesNotContain("r1").doesNotContain("augment")
                .doesNotContain("featureMaps").doesNotContain("classNorm");
    }
}
