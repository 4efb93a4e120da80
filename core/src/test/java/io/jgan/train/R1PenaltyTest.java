package io.jgan.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jgan.engine.HostTensors;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.loss.AdversarialLoss;
import io.jgan.model.Init;
import io.jgan.model.Linear;
import io.jgan.model.Network;
import io.jgan.model.Parameter;
import io.jgan.model.Sequential;
import io.jgan.optim.Adam;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * R1 against a hand-computed case: for a linear D(x) = w.x + b the gradient with respect to any
 * input is w, so R1 = gamma/2 |w|^2 wherever it is taken and adds exactly gamma w to dL/dw (and
 * nothing to dL/db). That term exists only if the engine differentiated through the gradient.
 */
class R1PenaltyTest {

    private static final float[] W = {0.5f, -1.0f, 2.0f}; // |w|^2 = 5.25

    /** {lossD, dL/dw...} for D's half-step on fixed batches, with R1 of weight gamma every k-th update. */
    private static float[] halfStep(double gamma, int every) {
        int d = 3;
        try (Scope m = Scope.open()) {
            Network critic = new Network("discriminator", new Sequential().add(new Linear(1, Init.ZEROS, Init.ZEROS)), d);
            List<Parameter> params = critic.trainableParameters();
            HostTensors.copyInto(params.get(0).tensor(), W);
            HostTensors.copyInto(params.get(1).tensor(), new float[] {0.3f});
            Network generator = new Network("generator", new Sequential().add(new Linear(d, Init.uniform(0.5), Init.ZEROS)), 2);
            Adam.Settings adam = new Adam.Settings(1e-3, 0.9, 0.999, 1e-8);
            try (Adam ag = Adam.create(generator.trainableParameters(), adam); Adam ad = Adam.create(params, adam);
                    Scope it = Scope.open()) {
                AdversarialStep step = new AdversarialStep(generator, critic, ag, ad,
                        AdversarialLoss.of(io.jgan.config.TrainConfig.builder().build()), 2, false, 0);
                step.r1(gamma, every);
                Tensor real = Torch.tensor(new float[] {1, 2, 3, -1, 0, 1}, 2, d);
                Tensor fake = Torch.tensor(new float[] {0, 0, 1, 2, 2, 2}, 2, d);
                float[] out = step.discriminatorBackward(real, fake);
                float[] gw = Torch.floats(params.get(0).tensor().grad());
                float gb = Torch.item(params.get(1).tensor().grad());
                return new float[] {out[0], gw[0], gw[1], gw[2], gb};
            }
        }
    }

    @Test
    void r1AddsGammaOverTwoTimesTheSquaredInputGradientAndGammaWToTheWeightsGradient() {
        float[] plain = halfStep(0, 1);
        double gamma = 0.8;
        float[] r1 = halfStep(gamma, 1);
        assertThat((double) r1[0] - plain[0]).as("the penalty").isCloseTo(gamma / 2 * 5.25, within(1e-5));
        for (int i = 0; i < 3; i++) {
            assertThat((double) r1[1 + i] - plain[1 + i]).as("dL/dw[%d]", i).isCloseTo(gamma * W[i], within(1e-5));
        }
        assertThat(r1[4]).as("dL/db").isCloseTo(plain[4], within(1e-6f));
        // lazy, every 4th update: on update 0 it applies, weighted by 4
        float[] lazy = halfStep(gamma, 4);
        assertThat((double) lazy[0] - plain[0]).isCloseTo(4 * gamma / 2 * 5.25, within(1e-4));
    }
}
