package io.jgan.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.model.Parameter;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our Adam against hand-computed steps (and torch.optim.Adam's, which agree), in both of its
 * implementations: the fused host kernel and the engine's tensor operations.
 */
class AdamTest {

    @ParameterizedTest(name = "host kernel: {0}")
    @ValueSource(booleans = {true, false})
    void followsPyTorchAdamStepByStep(boolean host) {
        try (Scope m = Scope.open()) {
            Parameter p = Parameter.trainable("w", Torch.tensor(new float[] {1f, -2f, 0.5f}, 3));
            Tensor w = p.tensor();
            Adam.Settings settings = new Adam.Settings(0.01, 0.9, 0.999, 1e-8);
            try (Adam adam = host ? new HostAdam(List.of(p), settings) : new EngineAdam(List.of(p), settings)) {
                assertThat(Adam.create(List.of(p), settings)).isInstanceOf(HostAdam.class); // the CPU default
                // Step 1: m = 0.1 g, v = 0.001 g^2, so m/(1-0.9) / sqrt(v/(1-0.999)) = sign(g):
                // each weight moves by lr = 0.01 against its gradient; a zero gradient moves nothing.
                step(adam, w, 0.5f, -1f, 0f);
                assertThat(Torch.floats(w)).containsExactly(new float[] {0.99f, -1.99f, 0.5f}, within(1e-6f));
                // Step 2, first weight, g = 0.25: m = 0.9*0.05 + 0.1*0.25 = 0.07,
                // v = 0.999*0.00025 + 0.001*0.0625 = 0.00031225, 1-b1^2 = 0.19, 1-b2^2 = 0.001999,
                // update = 0.01/0.19 * 0.07 / (sqrt(0.00031225)/sqrt(0.001999) + 1e-8) = 0.0093218
                step(adam, w, 0.25f, 0f, -4f);
                float[] after2 = Torch.floats(w);
                assertThat(after2[0]).isCloseTo(0.99f - 0.0093218f, within(1e-6f));
                // torch.optim.Adam(lr=0.01) on the same gradients: 0.980678201, -1.98329937, 0.507441342
                assertThat(after2).containsExactly(new float[] {0.980678201f, -1.98329937f, 0.507441342f},
                        within(1e-6f));
                step(adam, w, -1f, 2f, 1e-3f);
                assertThat(Torch.floats(w)).containsExactly(new float[] {0.982741773f, -1.9866997f, 0.513191938f},
                        within(1e-6f));
                assertThat(adam.stepCount()).isEqualTo(3);
                // the step consumed and dropped the gradient (p.grad = None: nothing for the next step)
                assertThat(w.grad().defined()).isFalse();
            }
        }
    }

    /**
     * The two implementations agree on parameters spanning several host blocks (and a last,
     * partial one), over steps with gradients of every scale, and their moments round-trip.
     */
    @Test
    void hostKernelMatchesTheEngineOperations() {
        try (Scope m = Scope.open()) {
            Torch.seed(3);
            long[][] shapes = {{37, 300}, {300}, {1}}; // 11,100 > 2 blocks of 4,096
            List<Parameter> hostParams = new ArrayList<>();
            List<Parameter> engineParams = new ArrayList<>();
            for (int i = 0; i < shapes.length; i++) {
                Tensor init = Torch.randn(shapes[i]);
                hostParams.add(Parameter.trainable("p" + i, init.clone()));
                engineParams.add(Parameter.trainable("p" + i, init.clone()));
            }
            Adam.Settings settings = new Adam.Settings(2e-4, 0.5, 0.999, 1e-8);
            try (Adam host = new HostAdam(hostParams, settings); Adam engine = new EngineAdam(engineParams, settings)) {
                for (int step = 0; step < 6; step++) {
                    float scale = (float) Math.pow(10, step - 3); // 1e-3 ... 1e2
                    for (int i = 0; i < shapes.length; i++) {
                        try (Scope s = Scope.open()) {
                            float[] g = Torch.floats(Torch.randn(shapes[i]).mul(new org.bytedeco.pytorch.Scalar(scale)));
                            setGradient(hostParams.get(i).tensor(), g);
                            setGradient(engineParams.get(i).tensor(), g);
                        }
                    }
                    host.step();
                    engine.step();
                }
                for (int i = 0; i < shapes.length; i++) {
                    float[] a = Torch.floats(hostParams.get(i).tensor());
                    float[] b = Torch.floats(engineParams.get(i).tensor());
                    for (int j = 0; j < a.length; j++) {
                        assertThat(a[j]).as("weight %d[%d]", i, j).isCloseTo(b[j], within(2e-6f * Math.abs(b[j]) + 1e-7f));
                    }
                    float[][] mh = host.moments(i);
                    float[][] me = engine.moments(i);
                    assertThat(mh[0]).containsExactly(me[0], within(1e-6f * maxAbs(me[0])));
                    assertThat(mh[1]).containsExactly(me[1], within(1e-6f * maxAbs(me[1])));
                    assertThat(hostParams.get(i).tensor().grad().defined()).isFalse();
                    assertThat(engineParams.get(i).tensor().grad().defined()).isFalse();
                    // moments written back come out the same (checkpoints rely on it)
                    host.setMoments(i, me[0], me[1]);
                    assertThat(host.moments(i)[0]).isEqualTo(me[0]);
                    assertThat(host.moments(i)[1]).isEqualTo(me[1]);
                }
            }
        }
    }

    /** Makes w's gradient exactly g (d/dw sum(w * g) = g; the last step dropped the one before). */
    private static void setGradient(Tensor w, float[] g) {
        try (Scope s = Scope.open()) {
            w.mul(Torch.tensor(g, Torch.shape(w))).sum().backward();
        }
    }

    private static float maxAbs(float[] a) {
        float max = 0f;
        for (float x : a) {
            max = Math.max(max, Math.abs(x));
        }
        return Math.max(max, 1e-30f);
    }

    /** Sets w's gradient to g through autograd (d/dw sum(w * g) = g), then steps. */
    private static void step(Adam adam, Tensor w, float... g) {
        try (Scope s = Scope.open()) {
            w.mul(Torch.tensor(g, g.length)).sum().backward();
            adam.step();
        }
    }
}
