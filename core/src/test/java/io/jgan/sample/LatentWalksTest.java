package io.jgan.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatentWalksTest {

    @Test
    void slerpRunsAlongTheGreatCircle() {
        float[] a = {1, 0};
        float[] b = {0, 1};
        assertThat(LatentWalks.slerp(a, b, 0)).containsExactly(1f, 0f);
        float[] mid = LatentWalks.slerp(a, b, 0.5);
        // halfway along the quarter circle: (cos 45, sin 45), still of norm 1 (a straight line would give 0.707)
        assertThat((double) mid[0]).isCloseTo(Math.sqrt(0.5), within(1e-6));
        assertThat((double) mid[1]).isCloseTo(Math.sqrt(0.5), within(1e-6));
        float[] end = LatentWalks.slerp(a, b, 1);
        assertThat((double) end[1]).isCloseTo(1, within(1e-6));
        assertThat(LatentWalks.slerp(a, a, 0.3)).containsExactly(1f, 0f); // parallel: the straight line
    }

    @Test
    void traversalVariesOneDimensionPerRow() {
        float[] base = {0.5f, -0.5f, 2f};
        float[] z = LatentWalks.traversal(base, new int[] {2, 0}, 3, 1.0);
        assertThat(z).containsExactly(
                0.5f, -0.5f, -1f, 0.5f, -0.5f, 0f, 0.5f, -0.5f, 1f, // row 1: dimension 2 from -1 to 1
                -1f, -0.5f, 2f, 0f, -0.5f, 2f, 1f, -0.5f, 2f); // row 2: dimension 0
    }
}
