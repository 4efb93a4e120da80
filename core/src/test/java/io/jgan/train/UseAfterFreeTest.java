package io.jgan.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.config.DataConfig;
import io.jgan.config.GanConfig;
import io.jgan.engine.FreedMemoryReuse;
import io.jgan.model.Family;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The training step must not depend on when the garbage collector runs. Each loss is trained twice
 * from the same seed: once plainly, once with a full GC and reuse of freed direct memory between
 * every forward pass and its backward pass ({@link FreedMemoryReuse}). Any array in the graph whose
 * memory Java owns and has let go of (DJL's {@code mul(Number)} scalars) is then overwritten before
 * the backward pass reads it, and the losses part ways from the first G half-step on.
 */
class UseAfterFreeTest {

    private static final int STEPS = 6;

    @ParameterizedTest
    @ValueSource(strings = {"bce", "bce-averaged", "bce-saturating", "lsgan", "hinge", "wgan-gp"})
    void freedMemoryReuseBetweenForwardAndBackwardChangesNothing(String loss) {
        GanConfig config = config(loss);
        FreedMemoryReuse reuse = new FreedMemoryReuse();
        List<float[]> plain = DeterminismTest.losses(config, null);
        List<float[]> churned = DeterminismTest.losses(config, reuse);
        assertThat(reuse.runs()).isEqualTo(STEPS * (config.train().dSteps() + 1)); // every backward pass
        for (int i = 0; i < STEPS; i++) {
            assertThat(churned.get(i)).as("%s, step %d: lossD, lossG, D(x), D(G(z))", loss, i + 1)
                    .isEqualTo(plain.get(i));
        }
    }

    /** The default model (dropout in D) on 200 digits, batch 50, with the named objective. */
    static GanConfig config(String loss) {
        GanConfig base = Family.MLP.preset(10);
        String name = loss.equals("bce-averaged") ? "bce" : loss;
        return base.withData(DataConfig.embedded(200))
                .withTrain(t -> t.batchSize(50).loss(name).averageDTerms(loss.equals("bce-averaged")))
                .withSchedule(s -> s.maxSteps(STEPS)).validate();
    }
}
