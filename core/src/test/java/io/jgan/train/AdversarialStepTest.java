package io.jgan.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.config.DataConfig;
import io.jgan.config.GanConfig;
import io.jgan.data.Samples;
import io.jgan.data.TrainingData;
import io.jgan.engine.HostTensors;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.model.Family;
import io.jgan.model.Network;
import io.jgan.model.Parameter;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The two half-steps move only their own network, and no gradient crosses between them. */
class AdversarialStepTest {

    private Trainer trainer;
    private Scope it;
    private Tensor real;

    @BeforeEach
    void setUp() {
        GanConfig base = Family.MLP.preset(1);
        GanConfig config = base.withData(DataConfig.embedded(64)).withTrain(t -> t.batchSize(32)).validate();
        Samples samples = TrainingData.load(config.data(), config.model(), 0);
        trainer = Trainer.gan(config, samples);
        it = Scope.open();
        real = Torch.tensor(samples.values(), 64, 784).narrow(0, 0, 32);
    }

    @AfterEach
    void tearDown() {
        it.close();
        trainer.close();
    }

    @Test
    void discriminatorStepMovesOnlyD() {
        List<float[]> g0 = values(trainer.generator());
        List<float[]> d0 = values(trainer.discriminator());
        ((GanGame) trainer.game()).adversarialStep().discriminatorStep(real);
        assertSame(g0, values(trainer.generator()));
        assertAllChanged(d0, values(trainer.discriminator()));
        assertGradientsZero(trainer.discriminator()); // Adam's step zeroes what it consumed
    }

    @Test
    void generatorStepMovesOnlyGAndLeavesNoGradientInD() {
        List<float[]> g0 = values(trainer.generator());
        List<float[]> d0 = values(trainer.discriminator());
        ((GanGame) trainer.game()).adversarialStep().generatorStep(32);
        assertSame(d0, values(trainer.discriminator()));
        assertAllChanged(g0, values(trainer.generator()));
        // D was frozen during G's backward: nothing accumulated that the next D step would add
        assertGradientsZero(trainer.discriminator());
        assertGradientsZero(trainer.generator());
        for (Parameter p : trainer.discriminator().trainableParameters()) {
            assertThat(p.tensor().requires_grad()).as("D is unfrozen again").isTrue();
        }
    }

    @Test
    void dStepAfterGStepEqualsDStepAlone() throws Exception {
        // Two identical trainers; one runs a G step first. The following D step must compute the
        // same D gradient in both, so D's new weights differ only by what the G step changed in G.
        // With G's update undone by using the same G (copy G back), D must come out identical.
        GanConfig base = Family.MLP.preset(1);
        GanConfig config = base.withData(DataConfig.embedded(64)).withTrain(t -> t.batchSize(32)).validate();
        Samples samples = TrainingData.load(config.data(), config.model(), 0);
        try (Trainer other = Trainer.gan(config, samples); Scope m = Scope.open()) {
            Tensor real2 = Torch.tensor(samples.values(), 64, 784).narrow(0, 0, 32);
            List<float[]> gBefore = values(other.generator());
            ((GanGame) other.game()).adversarialStep().generatorStep(32);
            restore(other.generator(), gBefore); // same G again; only D's gradient state could differ now
            Torch.seed(99);
            ((GanGame) trainer.game()).adversarialStep().discriminatorStep(real);
            Torch.seed(99);
            ((GanGame) other.game()).adversarialStep().discriminatorStep(real2);
            List<float[]> a = values(trainer.discriminator());
            List<float[]> b = values(other.discriminator());
            for (int i = 0; i < a.size(); i++) {
                assertThat(b.get(i)).isEqualTo(a.get(i));
            }
        }
    }

    static List<float[]> values(Network n) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : n.trainableParameters()) {
            out.add(Torch.floats(p.tensor()));
        }
        return out;
    }

    private static void restore(Network n, List<float[]> v) {
        List<Parameter> ps = n.trainableParameters();
        for (int i = 0; i < ps.size(); i++) {
            HostTensors.copyInto(ps.get(i).tensor(), v.get(i)); // into the engine's memory, as a resume does
        }
    }

    private static void assertSame(List<float[]> before, List<float[]> after) {
        for (int i = 0; i < before.size(); i++) {
            assertThat(after.get(i)).as("tensor %d unchanged", i).isEqualTo(before.get(i));
        }
    }

    private static void assertAllChanged(List<float[]> before, List<float[]> after) {
        for (int i = 0; i < before.size(); i++) {
            assertThat(after.get(i)).as("tensor %d changed", i).isNotEqualTo(before.get(i));
        }
    }

    private static void assertGradientsZero(Network n) {
        for (Parameter p : n.trainableParameters()) {
            try (Scope s = Scope.open()) {
                Tensor g = p.tensor().grad(); // undefined: no backward pass reached it, also zero
                assertThat(g.defined() ? Torch.item(g.abs().max()) : 0f).as("grad of %s", p.name()).isZero();
            }
        }
    }
}
