package io.jgan.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.config.DataConfig;
import io.jgan.config.GanConfig;
import io.jgan.data.Samples;
import io.jgan.data.TrainingData;
import io.jgan.model.Family;
import io.jgan.train.StepRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Same seed, same losses, step for step, on CPU; another seed, other losses. */
class DeterminismTest {

    static GanConfig tiny(long seed) {
        GanConfig base = Family.MLP.preset(10);
        return base.withData(DataConfig.embedded(200)).withTrain(t -> t.batchSize(50).seed(seed))
                .withSchedule(s -> s.maxSteps(6)).validate();
    }

    static List<float[]> losses(GanConfig config) {
        return losses(config, null);
    }

    /**
     * Trains a config and returns per-step {lossD, lossG, D(x), D(G(z))}.
     *
     * @param config the config
     * @param beforeBackward run before every backward pass, or null
     * @return one row per step
     */
    static List<float[]> losses(GanConfig config, Runnable beforeBackward) {
        List<float[]> out = new ArrayList<>();
        Samples samples = TrainingData.load(config.data(), config.model(), config.train().seed());
        try (Trainer trainer = Trainer.gan(config, samples)) {
            if (beforeBackward != null) {
                ((GanGame) trainer.game()).adversarialStep().beforeBackward(beforeBackward);
            }
            trainer.addListener(new TrainingListener() {
                @Override
                public void onStep(RunView t, StepRecord r) {
                    out.add(new float[] {r.lossD(), r.lossG(), r.dReal(), r.dFake()});
                }
            });
            trainer.fit();
        }
        return out;
    }

    @Test
    void sameSeedSameLosses() {
        List<float[]> a = losses(tiny(11));
        List<float[]> b = losses(tiny(11));
        assertThat(a).hasSize(6); // 200 samples / batch 50 = 4 per epoch; 6 steps crosses an epoch
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i)).as("step %d", i + 1).isEqualTo(a.get(i));
        }
        List<float[]> c = losses(tiny(12));
        assertThat(c.get(0)).isNotEqualTo(a.get(0));
    }
}
