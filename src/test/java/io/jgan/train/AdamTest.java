package io.jgan.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our Adam against hand-computed steps (and torch.optim.Adam's, which agree). */
class AdamTest {

    @Test
    void followsPyTorchAdamStepByStep() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1f, -2f, 0.5f});
            w.setRequiresGradient(true);
            Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
            p.setArray(w);
            try (Adam adam = new Adam(List.of(p), 0.01, 0.9, 0.999, 1e-8, m)) {
                // Step 1: m = 0.1 g, v = 0.001 g^2, so m/(1-0.9) / sqrt(v/(1-0.999)) = sign(g):
                // each weight moves by lr = 0.01 against its gradient; a zero gradient moves nothing.
                step(adam, w, 0.5f, -1f, 0f);
                assertThat(w.toFloatArray()).containsExactly(new float[] {0.99f, -1.99f, 0.5f}, within(1e-6f));
                // Step 2, first weight, g = 0.25: m = 0.9*0.05 + 0.1*0.25 = 0.07,
                // v = 0.999*0.00025 + 0.001*0.0625 = 0.00031225, 1-b1^2 = 0.19, 1-b2^2 = 0.001999,
                // update = 0.01/0.19 * 0.07 / (sqrt(0.00031225)/sqrt(0.001999) + 1e-8) = 0.0093218
                step(adam, w, 0.25f, 0f, -4f);
                float[] after2 = w.toFloatArray();
                assertThat(after2[0]).isCloseTo(0.99f - 0.0093218f, within(1e-6f));
                // torch.optim.Adam(lr=0.01) on the same gradients: 0.980678201, -1.98329937, 0.507441342
                assertThat(after2).containsExactly(new float[] {0.980678201f, -1.98329937f, 0.507441342f},
                        within(1e-6f));
                step(adam, w, -1f, 2f, 1e-3f);
                assertThat(w.toFloatArray()).containsExactly(new float[] {0.982741773f, -1.9866997f, 0.513191938f},
                        within(1e-6f));
                assertThat(adam.stepCount()).isEqualTo(3);
                // the step consumed and zeroed the gradient
                assertThat(w.getGradient().toFloatArray()).containsOnly(0f);
            }
        }
    }

    /** Sets w's gradient to g through autograd (d/dw sum(w * g) = g), then steps. */
    private static void step(Adam adam, NDArray w, float... g) {
        try (NDManager s = w.getManager().newSubManager()) {
            NDArray gradient = s.create(g);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(w.mul(gradient).sum());
            }
            adam.step();
        }
    }
}
