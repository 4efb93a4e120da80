package io.jgan.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jgan.engine.HostTensors;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.loss.WassersteinGpLoss;
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
 * WGAN-GP's penalty against a hand-computed case. For a linear critic D(x) = w.x + b the
 * gradient with respect to any input is w, so the penalty is (|w| - 1)^2 wherever it is taken,
 * and the critic loss E[D(fake)] - E[D(real)] + lambda (|w| - 1)^2 has the gradient
 * dL/dw = mean(fake) - mean(real) + 2 lambda (|w| - 1) w / |w| and dL/db = 0. The second term
 * exists only if the engine differentiated through the gradient (create_graph).
 */
class GradientPenaltyTest {

    @Test
    void criticGradientIncludesTheSecondOrderPenaltyTerm() {
        int d = 3;
        try (Scope m = Scope.open()) {
            Network critic = new Network("discriminator", new Sequential().add(new Linear(1, Init.ZEROS, Init.ZEROS)), d);
            float[] w = {0.5f, -1.0f, 2.0f}; // |w| = sqrt(5.25)
            List<Parameter> params = critic.trainableParameters();
            HostTensors.copyInto(params.get(0).tensor(), w);
            HostTensors.copyInto(params.get(1).tensor(), new float[] {0.3f});
            Network generator = new Network("generator", new Sequential().add(new Linear(d, Init.uniform(0.5), Init.ZEROS)), 2);
            Adam.Settings adam = new Adam.Settings(1e-3, 0.9, 0.999, 1e-8);
            try (Adam ag = Adam.create(generator.trainableParameters(), adam); Adam ad = Adam.create(params, adam);
                    Scope it = Scope.open()) {
                AdversarialStep step = new AdversarialStep(generator, critic, ag, ad, new WassersteinGpLoss(), 2, false, 0);
                Tensor real = Torch.tensor(new float[] {1, 2, 3, -1, 0, 1}, 2, d);
                Tensor fake = Torch.tensor(new float[] {0, 0, 1, 2, 2, 2}, 2, d);
                float[] out = step.discriminatorBackward(real, fake);

                double norm = Math.sqrt(0.25 + 1 + 4);
                double lambda = WassersteinGpLoss.LAMBDA;
                double[] meanReal = {0, 1, 2};
                double[] meanFake = {1, 1, 1.5};
                double wgan = 0;
                for (int i = 0; i < d; i++) {
                    wgan += w[i] * (meanFake[i] - meanReal[i]);
                }
                assertThat((double) out[0]).isCloseTo(wgan + lambda * (norm - 1) * (norm - 1), within(1e-4));
                float[] gw = Torch.floats(params.get(0).tensor().grad());
                for (int i = 0; i < d; i++) {
                    double expected = meanFake[i] - meanReal[i] + 2 * lambda * (norm - 1) * w[i] / norm;
                    assertThat((double) gw[i]).as("dL/dw[%d]", i).isCloseTo(expected, within(1e-4));
                }
                assertThat((double) Torch.item(params.get(1).tensor().grad())).isCloseTo(0, within(1e-5));
            }
        }
    }
}
