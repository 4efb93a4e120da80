package io.jgan.train;

import static io.jgan.cli.CliSmokeTest.jgan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jgan.cli.CliSmokeTest;
import io.jgan.config.TrainConfig;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.format.Json;
import io.jgan.model.Parameter;
import io.jgan.optim.Adam;
import io.jgan.sample.Sampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --lr-decay K: pix2pix's linear decay over a run's last K steps, by hand, in Adam, and through a resume. */
class LrDecayTest {

    @TempDir
    Path tmp;

    @Test
    void theFactorFallsLinearlyOverTheLastKSteps() {
        TrainConfig none = TrainConfig.builder().build();
        TrainConfig k3 = TrainConfig.builder().lrDecaySteps(3).build();
        for (long s = 0; s < 10; s++) {
            assertThat(none.lrFactor(s, 10)).isEqualTo(1.0);
        }
        // 10 steps, K = 3: steps 0-6 at full rate, then 3/4, 2/4, 1/4 (pix2pix: 1 - n / (K + 1))
        double[] expected = {1, 1, 1, 1, 1, 1, 1, 0.75, 0.5, 0.25};
        for (int s = 0; s < 10; s++) {
            assertThat(k3.lrFactor(s, 10)).as("step %d", s).isCloseTo(expected[s], within(1e-12));
        }
        // a decay longer than the run starts below 1: K = 20 over 10 steps begins at 10/21
        assertThat(TrainConfig.builder().lrDecaySteps(20).build().lrFactor(0, 10)).isCloseTo(10.0 / 21, within(1e-12));
        CliSmokeTest.Run r = jgan("train", "--lr-decay", "-1", "--max-steps", "1", "--out", tmp.resolve("x").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--lr-decay must be >= 0");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    /** Adam's first step moves each weight by lr against its gradient's sign: by lr x factor when scaled. */
    @Test
    void adamsStepIsScaledAndItsMomentsAreNot() {
        try (Scope m = Scope.open()) {
            Parameter p = Parameter.trainable("w", Torch.tensor(new float[] {1f, -2f}, 2));
            Tensor w = p.tensor();
            try (Adam adam = Adam.create(List.of(p), new Adam.Settings(0.02, 0.9, 0.999, 1e-8))) {
                adam.scaleLearningRate(0.25);
                w.mul(Torch.tensor(new float[] {0.5f, -1f}, 2)).sum().backward();
                adam.step();
                assertThat(Torch.floats(w)).containsExactly(new float[] {0.995f, -1.995f}, within(1e-6f));
                float[][] moments = adam.moments(0); // m = 0.1 g, v = 0.001 g^2, as unscaled
                assertThat(moments[0]).containsExactly(new float[] {0.05f, -0.1f}, within(1e-7f));
                assertThat(moments[1]).containsExactly(new float[] {0.00025f, 0.001f}, within(1e-9f));
            }
        }
    }

    /**
     * A run with the decay records it, differs from one without, and a run stopped mid-way resumes
     * to the same weights: the factor is a function of the step.
     */
    @Test
    void aDecayedRunResumesExactly() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Path c = tmp.resolve("c");
        String[] common = {"train", "--limit", "200", "--batch-size", "50", "--max-steps", "10", "--checkpoint-every",
            "4", "--keep-checkpoints", "5", "--no-progress", "--no-tensorboard", "--out"};
        assertThat(jgan(concat(common, a.toString(), "--lr-decay", "6")).exitCode()).isZero();
        assertThat(jgan(concat(common, b.toString(), "--lr-decay", "6")).exitCode()).isZero();
        assertThat(jgan(concat(common, c.toString())).exitCode()).isZero();
        assertThat(Json.MAPPER.readTree(a.resolve("config.json").toFile()).get("train").get("lrDecaySteps").asLong())
                .isEqualTo(6);
        assertThat(Json.MAPPER.readTree(c.resolve("config.json").toFile()).get("train").has("lrDecaySteps"))
                .as("left out when off").isFalse();
        // as if b had been killed after step 4's checkpoint: its newer checkpoints are gone
        for (String step : new String[] {"step-00000008", "step-00000010"}) {
            try (Stream<Path> s = Files.walk(b.resolve("checkpoints").resolve(step))) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        CliSmokeTest.Run r = jgan("train", "--resume", b.toString(), "--no-progress", "--no-tensorboard");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("step 4");
        try (Sampler sa = Sampler.load(a); Sampler sb = Sampler.load(b); Sampler sc = Sampler.load(c)) {
            assertThat(sb.sample(4, 1)).isEqualTo(sa.sample(4, 1));
            assertThat(sc.sample(4, 1)).isNotEqualTo(sa.sample(4, 1)); // the decay changed the last 6 steps
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
