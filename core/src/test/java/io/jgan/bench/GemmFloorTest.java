package io.jgan.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jgan.config.GanConfig;
import io.jgan.engine.Torch;
import io.jgan.model.Family;
import io.jgan.model.Network;
import org.junit.jupiter.api.Test;

/** The GEMM replay does exactly the work the FLOP count charges an iteration: SPEC.md's 3.194 GFLOP. */
class GemmFloorTest {

    @Test
    void replaysTheIterationsProductsAndNothingElse() {
        GanConfig c = Family.MLP.preset(1);
        Torch.seed(1);
        try (Network g = new Network("generator", Family.of(c.model()).generator(c.model()), Family.of(c.model()).generatorInputDim(c.model()));
                Network d = new Network("discriminator", Family.of(c.model()).discriminator(c.model()),
                        Family.of(c.model()).discriminatorInputDim(c.model()))) {
            GemmFloor.Result r = GemmFloor.run(g, d, 100, 0, 1);
            // D step: 4 + 4 forward, 4 weight + 3 input gradients; G step: 4 + 4 forward, 4 input
            // gradients through D, 4 weight + 3 input gradients in G
            assertThat(r.products()).isEqualTo(34);
            assertThat(r.gflop()).isCloseTo(Benchmark.gflopPerIteration(g, d, 100, 1), within(1e-9));
            assertThat(r.gflop()).isCloseTo(3.194, within(0.0005));
            // the D step, in order: G forward on 100 (100->256->512->1024->784), D forward on 200
            // (784->1024->512->256->1), then D's backward from its last layer: dW4 (1 x 200)(200 x 256),
            // dX4 (200 x 1)(1 x 256), ..., dW1, and no input gradient into the data
            assertThat(r.replayed().subList(0, 10)).containsExactly(
                    new GemmFloor.Product(100, 100, 256, false, true), new GemmFloor.Product(100, 256, 512, false, true),
                    new GemmFloor.Product(100, 512, 1024, false, true), new GemmFloor.Product(100, 1024, 784, false, true),
                    new GemmFloor.Product(200, 784, 1024, false, true), new GemmFloor.Product(200, 1024, 512, false, true),
                    new GemmFloor.Product(200, 512, 256, false, true), new GemmFloor.Product(200, 256, 1, false, true),
                    new GemmFloor.Product(1, 200, 256, true, false), new GemmFloor.Product(200, 1, 256, false, false));
            assertThat(r.replayed().get(14)).isEqualTo(new GemmFloor.Product(1024, 200, 784, true, false)); // dW1 of D
            // the G step ends with G's first layer: its weight gradient, and no gradient into z
            assertThat(r.replayed().get(r.products() - 1)).isEqualTo(new GemmFloor.Product(256, 100, 100, true, false));
            // the figures it reports follow from one another
            assertThat(r.p10Ms()).isLessThanOrEqualTo(r.medianMs());
            assertThat(r.gflops()).isCloseTo(r.gflop() / (r.medianMs() / 1000), within(1e-9));
        }
    }

    /**
     * The update replay runs real Adam steps on every weight of both networks: with a constant
     * gradient g = 0.001, each step moves a weight by lr g / (|g| + eps) = 2e-4 * 0.99999, so
     * three steps move it by 5.99994e-4; the gradients are zeroed after each step, as in training.
     */
    @Test
    void theUpdateReplayStepsAdamOnEveryWeight() {
        GanConfig c = Family.MLP.preset(1);
        Torch.seed(1);
        try (Network g = new Network("generator", Family.of(c.model()).generator(c.model()), Family.of(c.model()).generatorInputDim(c.model()));
                Network d = new Network("discriminator", Family.of(c.model()).discriminator(c.model()),
                        Family.of(c.model()).discriminatorInputDim(c.model()))) {
            float[] g0 = Torch.floats(g.trainableParameters().get(0).tensor());
            float[] dLast0 = Torch.floats(d.trainableParameters().get(d.trainableParameters().size() - 1).tensor());
            double ms = GemmFloor.updatesMs(g, d, 1, 2);
            assertThat(ms).isPositive().isFinite();
            float[] g1 = Torch.floats(g.trainableParameters().get(0).tensor());
            float[] dLast1 = Torch.floats(d.trainableParameters().get(d.trainableParameters().size() - 1).tensor());
            for (int i = 0; i < 5; i++) {
                assertThat(g0[i] - g1[i]).isCloseTo(5.99994e-4f, within(2e-7f));
            }
            assertThat(dLast0[0] - dLast1[0]).isCloseTo(5.99994e-4f, within(2e-7f));
            for (var p : g.trainableParameters()) {
                assertThat(p.tensor().grad().defined()).as("the step dropped the gradient").isFalse();
            }
        }
    }
}
