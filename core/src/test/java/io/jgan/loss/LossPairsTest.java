package io.jgan.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jgan.config.TrainConfig;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.model.Family;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** The loss pairs against values worked out by hand for D outputs real (1, -1), fake (0.5, 2). */
class LossPairsTest {

    private static double[] losses(AdversarialLoss loss) {
        try (Scope m = Scope.open()) {
            Tensor real = Torch.tensor(new float[] {1f, -1f}, 2, 1);
            Tensor fake = Torch.tensor(new float[] {0.5f, 2f}, 2, 1);
            return new double[] {Torch.item(loss.discriminatorLoss(real, fake)), Torch.item(loss.generatorLoss(fake))};
        }
    }

    @Test
    void leastSquares() {
        // D: 1/2 mean((r - 1)^2) + 1/2 mean(f^2) = 1/2 (0 + 4)/2 + 1/2 (0.25 + 4)/2 = 2.0625
        // G: 1/2 mean((f - 1)^2) = 1/2 (0.25 + 1)/2 = 0.3125
        assertThat(losses(new LeastSquaresLoss())).containsExactly(new double[] {2.0625, 0.3125}, within(1e-6));
    }

    @Test
    void hinge() {
        // D: mean(max(0, 1 - r)) + mean(max(0, 1 + f)) = (0 + 2)/2 + (1.5 + 3)/2 = 3.25; G: -mean(f) = -1.25
        assertThat(losses(new HingeLoss())).containsExactly(new double[] {3.25, -1.25}, within(1e-6));
    }

    @Test
    void wassersteinWithoutItsPenalty() {
        // D: mean(f) - mean(r) = 1.25 - 0; G: -mean(f); the penalty is added by the step (GradientPenaltyTest)
        WassersteinGpLoss loss = new WassersteinGpLoss();
        assertThat(losses(loss)).containsExactly(new double[] {1.25, -1.25}, within(1e-6));
        assertThat(loss.gradientPenaltyWeight()).isEqualTo(10.0);
        assertThat(new HingeLoss().gradientPenaltyWeight()).isZero();
    }

    /**
     * Each name the CLI accepts builds its own pair, checked by value. BCE by hand, with
     * softplus(x) = ln(1 + e^x): D's real term mean(softplus(-r)) = (0.31326 + 1.31326) / 2 =
     * 0.81326, its fake term mean(softplus(f)) = (0.97408 + 2.12693) / 2 = 1.55050; G's
     * non-saturating loss mean(softplus(-f)) = (0.47408 + 0.12693) / 2 = 0.30050, the saturating
     * one -1.55050.
     */
    @Test
    void everyNamedLossBuildsItsOwnPair() {
        Map<String, double[]> expected = Map.of(
                "bce", new double[] {2.3637642, 0.3005025},
                "bce-saturating", new double[] {2.3637642, -1.5505025},
                "lsgan", new double[] {2.0625, 0.3125},
                "hinge", new double[] {3.25, -1.25},
                "wgan-gp", new double[] {1.25, -1.25});
        assertThat(expected.keySet()).containsExactlyInAnyOrderElementsOf(TrainConfig.LOSSES);
        TrainConfig base = Family.MLP.preset(1).train();
        for (String name : TrainConfig.LOSSES) {
            TrainConfig t = base.toBuilder().loss(name).build();
            t.validate();
            assertThat(losses(AdversarialLoss.of(t))).as(name).containsExactly(expected.get(name), within(1e-6));
        }
        // the course's D loss averages its two terms
        assertThat(losses(AdversarialLoss.of(base.toBuilder().averageDTerms(true).build()))[0]).isCloseTo(1.1818821, within(1e-6));
    }
}
