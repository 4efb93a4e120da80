package io.jgan.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jgan.config.GanConfig;
import io.jgan.data.TrainingData;
import io.jgan.engine.HostTensors;
import io.jgan.engine.Torch;
import io.jgan.model.Parameter;
import io.jgan.train.StepRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** The D(G(z)) warnings fire after a whole window on the wrong side, once, and not otherwise. */
class HealthListenerTest {

    @Test
    void warnsWhenDWinsOutright() {
        assertThat(run(0.005f)).contains("D has won outright for 200 steps").doesNotContain("stopped learning");
    }

    @Test
    void warnsOnceWhenDIsFooledByEverySample() {
        String out = run(0.999f);
        assertThat(out).contains("at step 200 D has taken G's samples for real for 200 steps (mean D(G(z)) 0.9990)")
                .doesNotContain("won outright");
        assertThat(out.split("warning", -1)).hasSize(2); // once, though 499 steps qualify
    }

    @Test
    void staysQuietWhileTheGameIsBalanced() {
        assertThat(run(0.3f)).isEmpty();
        assertThat(run(0.985f)).isEmpty(); // high, but below 0.99
    }

    /**
     * At step 500 the listener samples the trainer's fixed noise: a G that maps every z to one image
     * (its last layer's weights zeroed: the output is tanh(bias)) is reported as collapsed; a G
     * whose samples differ is not. (A freshly initialised G is not the healthy case: its outputs
     * all sit near tanh(0), with a pixel spread of 0.015.)
     */
    @Test
    void warnsOnceWhenTheFixedSamplesCollapse() {
        try (Trainer trainer = trainer()) {
            List<Parameter> g = trainer.generator().trainableParameters();
            Tensor lastWeight = g.get(g.size() - 2).tensor(); // (784, 1024)
            try (Torch.NoGrad off = Torch.noGrad()) {
                lastWeight.mul_(new org.bytedeco.pytorch.Scalar(20.0)); // samples that differ from one z to the next
            }
            assertThat(HealthListener.spread(trainer)).isGreaterThan(HealthListener.COLLAPSED);
            assertThat(feed(trainer, 0.3f, HealthListener.COLLAPSE_EVERY)).isEmpty();
            HostTensors.copyInto(lastWeight, new float[(int) lastWeight.numel()]);
            assertThat(HealthListener.spread(trainer)).isCloseTo(0, within(1e-6)); // every sample is tanh(bias)
            String out = feed(trainer, 0.3f, 2 * HealthListener.COLLAPSE_EVERY);
            assertThat(out).contains("at step 500 the 16 fixed-noise samples are nearly identical (mean pixel spread 0.0000)");
            assertThat(out.split("warning", -1)).hasSize(2); // not again at step 1,000
        }
    }

    private static Trainer trainer() {
        GanConfig config = DeterminismTest.tiny(5);
        return Trainer.gan(config, TrainingData.load(config.data(), config.model(), 5));
    }

    /** Feeds steps 1-499 with one D(G(z)) to a listener over a real (untrained) trainer. */
    private static String run(float dFake) {
        try (Trainer trainer = trainer()) {
            return feed(trainer, dFake, HealthListener.COLLAPSE_EVERY - 1);
        }
    }

    /** Feeds steps 1..last with one D(G(z)) to a new listener; returns what it printed. */
    private static String feed(Trainer trainer, float dFake, long last) {
        StringWriter text = new StringWriter();
        HealthListener listener = new HealthListener(new PrintWriter(text));
        for (long step = 1; step <= last; step++) {
            listener.onStep(trainer, new StepRecord(step, 1, (int) step, 1f, 1f, 0.5f, dFake, 30.0));
        }
        return text.toString();
    }
}
