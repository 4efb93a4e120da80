package io.jgan.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jgan.engine.HostTensors;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** The uniform-threshold mask has nn.Dropout's law: keep with 1 - p, scale by 1 / (1 - p). */
class InvertedDropoutTest {

    @Test
    void keepsSeventyPercentScaledAndIsIdentityAtInference() {
        try (Scope m = Scope.open()) {
            InvertedDropout dropout = new InvertedDropout(0.3f);
            Tensor ones = Torch.full(1f, 1000, 1000);
            Torch.seed(1);
            float[] y = Torch.floats(dropout.forward(ones, true));
            int kept = 0;
            for (float v : y) {
                if (v != 0f) {
                    assertThat(v).isCloseTo(1f / 0.7f, within(1e-6f));
                    kept++;
                }
            }
            // 10^6 Bernoulli(0.7) draws: standard deviation of the share is 0.00046; allow 5 of them
            assertThat(kept / 1e6).isCloseTo(0.7, within(0.0023));
            float[] eval = Torch.floats(dropout.forward(ones, false));
            assertThat(eval).containsOnly(1f);
            // the mask comes from the engine's seeded generator
            Torch.seed(1);
            assertThat(Torch.floats(dropout.forward(ones, true))).isEqualTo(y);
            Torch.seed(2);
            assertThat(Torch.floats(dropout.forward(ones, true))).isNotEqualTo(y);
        }
    }

    /**
     * Under bf16 autocast D's activations are bfloat16: they get the same host mask as float32
     * (the seed decides it, not the dtype), and the product is float32, each kept unit x / 0.7.
     */
    @Test
    void aBfloat16InputGetsTheSameMaskAsFloat32() {
        try (Scope m = Scope.open()) {
            InvertedDropout dropout = new InvertedDropout(0.3f);
            Tensor x = Torch.full(1.5f, 300, 1024); // 1.5 is exact in bfloat16
            Torch.seed(7);
            float[] f32 = Torch.floats(dropout.forward(x, true));
            Torch.seed(7);
            Tensor y = dropout.forward(x.to(ScalarType.BFloat16), true);
            assertThat(y.scalar_type().value).isEqualTo(ScalarType.Float.value);
            assertThat(Torch.floats(y)).isEqualTo(f32);
            int kept = 0;
            for (float v : f32) {
                if (v != 0f) {
                    assertThat(v).isEqualTo(1.5f * (1f / 0.7f));
                    kept++;
                }
            }
            assertThat(kept / (double) f32.length).isCloseTo(0.7, within(0.006)); // 307,200 draws: 7 sd
        }
    }

    /**
     * The host mask's units are independent (neighbours share one 64-bit draw, parts have their own
     * streams), drawn as training draws them: into an engine tensor's own memory through a direct
     * view, with the parts spread over the host workers.
     */
    @Test
    void hostMaskNeighboursAndPartsAreIndependent() {
        try (Scope m = Scope.open()) {
            float[] mask = hostMask(42L);
            int bothKept = 0;
            for (int i = 0; i + 1 < mask.length; i += 2) {
                if (mask[i] != 0f && mask[i + 1] != 0f) {
                    bothKept++;
                }
            }
            // P(both kept) = 0.7^2 = 0.49; 2^19 pairs give a standard deviation of 0.00069; allow 5
            assertThat(bothKept / (double) (mask.length / 2)).isCloseTo(0.49, within(0.0035));
            float[] first = java.util.Arrays.copyOfRange(mask, 0, 16384);
            float[] second = java.util.Arrays.copyOfRange(mask, 16384, 32768);
            assertThat(second).isNotEqualTo(first);
            // the same seed, whatever the threads did; another seed, another mask
            assertThat(hostMask(42L)).isEqualTo(mask);
            assertThat(hostMask(43L)).isNotEqualTo(mask);
        }
    }

    /** A (1024, 1024) mask drawn into a new engine tensor, read back through the engine. */
    private static float[] hostMask(long seed) {
        Tensor tensor = Torch.zeros(1024, 1024);
        InvertedDropout.fillMask(HostTensors.floatView(tensor), 0.3f, seed);
        return Torch.floats(tensor);
    }
}
