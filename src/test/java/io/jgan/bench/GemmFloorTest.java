package io.jgan.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.jgan.config.GanConfig;
import io.jgan.config.Presets;
import io.jgan.model.Models;
import io.jgan.model.Network;
import org.junit.jupiter.api.Test;

/** The GEMM replay does exactly the work the FLOP count charges an iteration: SPEC.md's 3.194 GFLOP. */
class GemmFloorTest {

    @Test
    void replaysTheIterationsProductsAndNothingElse() {
        GanConfig c = Presets.vanilla(1);
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager();
                Network g = new Network("generator", Models.generator(c.model()), m, c.model().generatorInputDim());
                Network d = new Network("discriminator", Models.discriminator(c.model()), m,
                        c.model().discriminatorInputDim())) {
            GemmFloor.Result r = GemmFloor.run(g, d, 100, 0, 1);
            // D step: 4 + 4 forward, 4 weight + 3 input gradients; G step: 4 + 4 forward, 4 input
            // gradients through D, 4 weight + 3 input gradients in G
            assertThat(r.products()).isEqualTo(34);
            assertThat(r.gflop()).isCloseTo(Benchmark.gflopPerIteration(g, d, 100, 1), within(1e-9));
            assertThat(r.gflop()).isCloseTo(3.194, within(0.0005));
            assertThat(r.medianMs()).isPositive();
        }
    }
}
