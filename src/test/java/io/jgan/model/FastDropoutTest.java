package io.jgan.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/** The uniform-threshold mask has nn.Dropout's law: keep with 1 - p, scale by 1 / (1 - p). */
class FastDropoutTest {

    @Test
    void keepsSeventyPercentScaledAndIsIdentityAtInference() {
        try (NDManager m = NDManager.newBaseManager()) {
            FastDropout dropout = new FastDropout(0.3f);
            dropout.initialize(m, DataType.FLOAT32, new Shape(1000, 1000));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray ones = m.ones(new Shape(1000, 1000));
            Engine.getInstance().setRandomSeed(1);
            float[] y = dropout.forward(ps, new NDList(ones), true).singletonOrThrow().toFloatArray();
            int kept = 0;
            for (float v : y) {
                if (v != 0f) {
                    assertThat(v).isCloseTo(1f / 0.7f, within(1e-6f));
                    kept++;
                }
            }
            // 10^6 Bernoulli(0.7) draws: standard deviation of the share is 0.00046; allow 5 of them
            assertThat(kept / 1e6).isCloseTo(0.7, within(0.0023));
            float[] eval = dropout.forward(ps, new NDList(ones), false).singletonOrThrow().toFloatArray();
            assertThat(eval).containsOnly(1f);
            // the mask comes from the engine's seeded generator
            Engine.getInstance().setRandomSeed(1);
            assertThat(dropout.forward(ps, new NDList(ones), true).singletonOrThrow().toFloatArray()).isEqualTo(y);
        }
    }
}
