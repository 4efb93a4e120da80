package io.jgan.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.jgan.JganException;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** DiffAugment's transforms against hand-computed images, and their gradients. */
class DiffAugmentTest {

    private static final float[] NINE = {1, 2, 3, 4, 5, 6, 7, 8, 9}; // one 1x3x3 image

    @Test
    void translationShiftsZerosIn() {
        try (Scope s = Scope.open()) {
            Tensor x = Torch.tensor(NINE, 1, 1, 3, 3);
            assertThat(Torch.floats(DiffAugment.translate(x, new long[] {1}, new long[] {0})))
                    .containsExactly(4, 5, 6, 7, 8, 9, 0, 0, 0);
            assertThat(Torch.floats(DiffAugment.translate(x, new long[] {-1}, new long[] {1})))
                    .containsExactly(0, 0, 0, 2, 3, 0, 5, 6, 0);
            assertThat(Torch.floats(DiffAugment.translate(x, new long[] {0}, new long[] {0}))).containsExactly(NINE);
            // d sum(out) / d x: each pixel counts the times it is read; the top row is never read after a shift up
            Tensor leaf = Torch.tensor(NINE, 1, 1, 3, 3).set_requires_grad(true);
            DiffAugment.translate(leaf, new long[] {1}, new long[] {0}).sum().backward();
            assertThat(Torch.floats(leaf.grad())).containsExactly(0, 0, 0, 1, 1, 1, 1, 1, 1);
        }
    }

    @Test
    void cutoutZeroesASquareAroundItsOffset() {
        try (Scope s = Scope.open()) {
            // 4x4, a 2x2 square: rows 1 - 1 .. 1, columns 3 - 1 .. 3
            float[] m = Torch.floats(DiffAugment.cutoutMask(1, 4, 4, 2, 2, new long[] {1}, new long[] {3}, null));
            assertThat(m).containsExactly(1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
            // at the corner the square is clamped into the image
            m = Torch.floats(DiffAugment.cutoutMask(1, 4, 4, 2, 2, new long[] {0}, new long[] {0}, null));
            assertThat(m).containsExactly(0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
            // an image whose flag is 0 (left out by --augment-p) keeps every pixel
            m = Torch.floats(DiffAugment.cutoutMask(2, 4, 4, 2, 2, new long[] {0, 0}, new long[] {0, 0},
                    new float[] {1, 0}));
            assertThat(m).containsExactly(0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        }
    }

    @Test
    void colourTransformsMoveAboutTheirMeans() {
        try (Scope s = Scope.open()) {
            Tensor x = Torch.tensor(new float[] {1, 3}, 1, 2, 1, 1); // one pixel, two channels
            assertThat(Torch.floats(DiffAugment.brightness(x, Torch.tensor(new float[] {0.25f}, 1))))
                    .containsExactly(1.25f, 3.25f);
            // saturation about the pixel's channel mean 2, factor 0.5
            assertThat(Torch.floats(DiffAugment.saturation(x, Torch.tensor(new float[] {0.5f}, 1))))
                    .containsExactly(1.5f, 2.5f);
            // contrast about the image's mean: 1x2x2 image, mean 2.5, factor 2
            Tensor y = Torch.tensor(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
            assertThat(Torch.floats(DiffAugment.contrast(y, Torch.tensor(new float[] {2f}, 1))))
                    .containsExactly(new float[] {-0.5f, 1.5f, 3.5f, 5.5f}, within(1e-6f));
        }
    }

    @Test
    void applyLeavesLabelColumnsAloneAndIsDifferentiable() {
        try (Scope s = Scope.open()) {
            Torch.seed(3);
            DiffAugment a = DiffAugment.of("color,translation,cutout", 1, 8, 8);
            float[] v = new float[2 * (64 + 3)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (i % 67) < 64 ? (i % 7) / 7f : (i % 67 == 64 ? 1 : 0);
            }
            Tensor x = Torch.tensor(v, 2, 67).set_requires_grad(true); // 8x8 images + a one-hot of 3
            Tensor out = a.apply(x, DataParallel.single(), 2);
            assertThat(Torch.shape(out)).containsExactly(2, 67);
            float[] o = Torch.floats(out);
            for (int b = 0; b < 2; b++) {
                assertThat(new float[] {o[b * 67 + 64], o[b * 67 + 65], o[b * 67 + 66]}).containsExactly(1, 0, 0);
            }
            out.sum().backward();
            assertThat(x.grad().defined()).isTrue();
            assertThat(Torch.floats(x.grad().abs().sum())[0]).isGreaterThan(0f);
        }
    }

    /**
     * With p = 0.5 about half the images pass each policy unchanged. 200 images of 8x8: a shift is
     * (0, 0) by chance 1 time in 9 and a cutout never leaves an image alone, so at p = 1 about 22
     * (translation) and 0 (cutout) come out unchanged, at p = 0.5 about 111 and 100.
     */
    @Test
    void withAProbabilityTheOthersPassUnchanged() {
        try (Scope s = Scope.open()) {
            int n = 200;
            float[] v = new float[n * 64];
            for (int i = 0; i < v.length; i++) {
                v[i] = 1 + (i % 64); // no zero pixel: any shift or cutout changes the image
            }
            Tensor x = Torch.tensor(v, n, 64);
            for (String policy : new String[] {"translation", "cutout", "color"}) {
                Torch.seed(5);
                int always = unchanged(DiffAugment.of(policy, 1, 8, 8).apply(x, DataParallel.single(), n), v);
                Torch.seed(5);
                int half = unchanged(DiffAugment.of(policy, 1, 8, 8, 0.5).apply(x, DataParallel.single(), n), v);
                assertThat(always).as(policy + " at p = 1").isLessThan(40);
                assertThat(half).as(policy + " at p = 0.5").isBetween(always + 70, always + 130);
            }
        }
        assertThatThrownBy(() -> DiffAugment.of("cutout", 1, 28, 28, 0)).isInstanceOf(JganException.class)
                .hasMessageContaining("--augment-p must be in (0, 1]");
    }

    private static int unchanged(Tensor out, float[] in) {
        float[] o = Torch.floats(out);
        int same = 0;
        for (int b = 0; b < in.length / 64; b++) {
            boolean eq = true;
            for (int i = 0; i < 64 && eq; i++) {
                eq = Math.abs(o[b * 64 + i] - in[b * 64 + i]) < 1e-4f;
            }
            same += eq ? 1 : 0;
        }
        return same;
    }

    @Test
    void unknownPoliciesAndTinyImagesAreRefused() {
        assertThatThrownBy(() -> DiffAugment.of("translation,flip", 1, 28, 28)).isInstanceOf(JganException.class)
                .hasMessageContaining("unknown --augment policy 'flip'");
        assertThatThrownBy(() -> DiffAugment.of("cutout", 1, 1, 1)).isInstanceOf(JganException.class)
                .hasMessageContaining("at least 8x8");
        assertThat(DiffAugment.of("", 1, 28, 28)).isNull();
    }
}
