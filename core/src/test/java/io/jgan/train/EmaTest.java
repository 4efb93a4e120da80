package io.jgan.train;

import static io.jgan.cli.CliSmokeTest.jgan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jgan.checkpoint.CheckpointSchema;
import io.jgan.cli.CliSmokeTest;
import io.jgan.config.DataConfig;
import io.jgan.config.GanConfig;
import io.jgan.data.Samples;
import io.jgan.data.TrainingData;
import io.jgan.format.NamedTensor;
import io.jgan.model.Family;
import io.jgan.sample.Sampler;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** G's weight average: the formula after one step, and a resumed run keeps it exactly. */
class EmaTest {

    @TempDir
    Path tmp;

    @Test
    void oneStepAveragesTheOldAndNewWeights() {
        GanConfig base = Family.MLP_BN.preset(1); // mlp-bn: G has batch-norm statistics too
        GanConfig config = base.withData(DataConfig.embedded(64)).withTrain(t -> t.batchSize(32).emaDecay(0.9))
                .withSchedule(s -> s.maxSteps(1)).validate();
        Samples samples = TrainingData.load(config.data(), config.model(), 0);
        try (Trainer trainer = Trainer.gan(config, samples)) {
            List<NamedTensor> before = trainer.game().snapshot().get("generator");
            trainer.fit();
            var after = trainer.game().snapshot();
            List<NamedTensor> live = after.get("generator");
            List<NamedTensor> ema = after.get(CheckpointSchema.GENERATOR_EMA);
            assertThat(ema).hasSameSizeAs(live);
            int averaged = 0;
            for (int t = 0; t < live.size(); t++) {
                boolean statistic = live.get(t).name().contains("running");
                for (int i = 0; i < live.get(t).data().length; i += 97) {
                    double expected = statistic ? live.get(t).data()[i]
                            : 0.9 * before.get(t).data()[i] + 0.1 * live.get(t).data()[i];
                    assertThat((double) ema.get(t).data()[i]).as(live.get(t).name()).isCloseTo(expected, within(1e-6));
                }
                averaged += statistic ? 0 : 1;
                if (!statistic) {
                    assertThat(ema.get(t).data()).isNotEqualTo(live.get(t).data());
                }
            }
            assertThat(averaged).isGreaterThan(0);
        }
    }

    /** The average's update leaves nothing behind: the trainer holds as many arrays at step 40 as at step 5. */
    @Test
    void theAverageHoldsNoArraysPerStep() {
        GanConfig base = Family.MLP.preset(10); // 4 steps an epoch: 40 steps
        GanConfig config = base.withData(DataConfig.embedded(200)).withTrain(t -> t.batchSize(50).emaDecay(0.999))
                .withSchedule(s -> s.maxSteps(40)).validate();
        int[] live = new int[41];
        try (Trainer trainer = Trainer.gan(config, TrainingData.load(config.data(), config.model(), 0))) {
            trainer.addListener(new TrainingListener() {
                @Override
                public void onStep(RunView t, io.jgan.train.StepRecord r) {
                    live[(int) r.step()] = trainer.liveArrays();
                }
            });
            trainer.fit();
        }
        assertThat(live[5]).isPositive();
        assertThat(live[40]).as("arrays held at step 40 against %d at step 5", live[5]).isEqualTo(live[5]);
    }

    @Test
    void sampleUsesTheAverageAndResumeKeepsIt() {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        String[] common = {"train", "--limit", "200", "--batch-size", "50", "--ema", "0.9", "--checkpoint-every", "2",
            "--no-progress", "--out"};
        assertThat(jgan(concat(common, a.toString(), "--max-steps", "6")).exitCode()).isZero();
        assertThat(jgan(concat(common, b.toString(), "--max-steps", "4")).exitCode()).isZero();
        CliSmokeTest.Run r = jgan("train", "--resume", b.toString(), "--max-steps", "6", "--no-progress");
        assertThat(r.exitCode()).as(r.err()).isZero();
        try (Sampler sa = Sampler.load(a); Sampler sb = Sampler.load(b)) {
            assertThat(sa.manifest().contents()).contains(CheckpointSchema.GENERATOR_EMA);
            assertThat(sb.sample(3, 5)).isEqualTo(sa.sample(3, 5));
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
