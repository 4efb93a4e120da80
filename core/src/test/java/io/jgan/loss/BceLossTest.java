package io.jgan.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The losses against values worked out by hand from BCE(x, y) = -[y log s(x) + (1-y) log(1-s(x))]
 * = softplus(x) - x y, with s the sigmoid and softplus(x) = log(1 + e^x).
 */
class BceLossTest {

    private Scope m;

    @BeforeEach
    void setUp() {
        m = Scope.open();
    }

    @AfterEach
    void tearDown() {
        m.close();
    }

    private Tensor logits(float... x) {
        return Torch.tensor(x, x.length, 1); // (N, 1), as D returns
    }

    private static float value(Tensor scalar) {
        return Torch.item(scalar);
    }

    // logits 0, 2, -3:
    //   softplus: ln 2 = 0.693147, ln(1 + e^2) = 2.126928, ln(1 + e^-3) = 0.048587
    //   target 1: softplus(x) - x = 0.693147, 0.126928, 3.048587 -> mean 1.289554
    //   target 0: softplus(x)               -> mean 0.956221
    //   target 0.9: softplus(x) - 0.9 x = 0.693147, 0.326928, 2.748587 -> mean 1.256221
    @Test
    void bceOfLogitsMatchesHandComputedValues() {
        Tensor x = logits(0f, 2f, -3f);
        assertThat(value(BceLoss.withLogits(x, 1f))).isCloseTo(1.289554f, within(1e-5f));
        assertThat(value(BceLoss.withLogits(x, 0f))).isCloseTo(0.956221f, within(1e-5f));
        assertThat(value(BceLoss.withLogits(x, 0.9f))).isCloseTo(1.256221f, within(1e-5f));
    }

    @Test
    void bceEqualsTheProbabilityFormWhereThatIsFinite() {
        float[] xs = {-4f, -0.5f, 0.1f, 3f};
        for (float x : xs) {
            double p = 1 / (1 + Math.exp(-x));
            for (float y : new float[] {0f, 0.9f, 1f}) {
                double expected = -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
                assertThat(value(BceLoss.withLogits(logits(x), y))).as("x=%s y=%s", x, y)
                        .isCloseTo((float) expected, within(1e-5f));
            }
        }
    }

    @Test
    void stableForConfidentLogits() {
        // s(100) rounds to 1 in float32, so the probability form gives -log(1 - 1) = inf.
        // The logit form gives the exact answers: BCE(100, 0) = 100, BCE(100, 1) = e^-100 ~ 0.
        assertThat(value(BceLoss.withLogits(logits(100f), 0f))).isCloseTo(100f, within(1e-4f));
        assertThat(value(BceLoss.withLogits(logits(100f), 1f))).isCloseTo(0f, within(1e-6f));
        assertThat(value(BceLoss.withLogits(logits(-100f), 1f))).isCloseTo(100f, within(1e-4f));
        assertThat(value(BceLoss.withLogits(logits(-100f), 0f))).isCloseTo(0f, within(1e-6f));
    }

    @Test
    void tutorialDiscriminatorLossIsTheSumOfBothTerms() {
        // real logits 0, 2 -> BCE(., 1) = (0.693147 + 0.126928) / 2 = 0.410038
        // fake logits -3, 0 -> BCE(., 0) = (0.048587 + 0.693147) / 2 = 0.370867
        Tensor real = logits(0f, 2f);
        Tensor fake = logits(-3f, 0f);
        assertThat(value(new BceLoss(1f, false, false).discriminatorLoss(real, fake)))
                .isCloseTo(0.410038f + 0.370867f, within(1e-5f));
        // seed 001 averages the two terms
        assertThat(value(new BceLoss(1f, true, false).discriminatorLoss(real, fake)))
                .isCloseTo((0.410038f + 0.370867f) / 2, within(1e-5f));
        // one-sided label smoothing: real target 0.9 -> (0.693147 + (2.126928 - 1.8)) / 2 = 0.510038
        assertThat(value(new BceLoss(0.9f, false, false).discriminatorLoss(real, fake)))
                .isCloseTo(0.510038f + 0.370867f, within(1e-5f));
    }

    @Test
    void generatorLosses() {
        // fake logits -3, 0: non-saturating -log s(x) = (3.048587 + 0.693147) / 2 = 1.870867
        Tensor fake = logits(-3f, 0f);
        assertThat(value(new BceLoss(1f, false, false).generatorLoss(fake))).isCloseTo(1.870867f, within(1e-5f));
        // minimax log(1 - s(x)) = -softplus(x) = -(0.048587 + 0.693147) / 2 = -0.370867
        assertThat(value(new BceLoss(1f, false, true).generatorLoss(fake))).isCloseTo(-0.370867f, within(1e-5f));
    }
}
