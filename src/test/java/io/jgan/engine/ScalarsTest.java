package io.jgan.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Each tensor-number operation gives the right value and the right gradient even when the garbage
 * collector runs, and freed memory is reused, between the forward and the backward pass: the
 * scalar is engine memory that the graph keeps alive. With DJL's own {@code x.mul(3f)} the same
 * churn gave a gradient of 1000 (the sentinel) instead of 3, in 20 trials of 20.
 */
class ScalarsTest {

    private static final float[] X = {-2f, 0.5f, 3f};

    /** Value and d sum(f(x)) / dx of f at X, with a GC and memory reuse before the backward pass. */
    private static float[][] run(UnaryOperator<NDArray> f) {
        FreedMemoryReuse reuse = new FreedMemoryReuse();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(X);
            x.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                y = f.apply(x);
                reuse.run();
                gc.backward(y.sum());
            }
            return new float[][] {y.toFloatArray(), x.getGradient().toFloatArray()};
        }
    }

    @Test
    void mul() {
        float[][] r = run(x -> Scalars.mul(x, 3));
        assertThat(r[0]).containsExactly(-6f, 1.5f, 9f);
        assertThat(r[1]).containsExactly(3f, 3f, 3f);
    }

    @Test
    void div() {
        float[][] r = run(x -> Scalars.div(x, 4));
        assertThat(r[0]).containsExactly(-0.5f, 0.125f, 0.75f);
        assertThat(r[1]).containsExactly(0.25f, 0.25f, 0.25f);
    }

    @Test
    void addAndSubInsideAProduct() {
        // (x + 1)(x - 2): derivative 2x - 1
        float[][] r = run(x -> Scalars.add(x, 1).mul(Scalars.sub(x, 2)));
        assertThat(r[0]).containsExactly(4f, -2.25f, 4f);
        assertThat(r[1]).containsExactly(-5f, 0f, 5f);
    }

    @Test
    void maximum() {
        // max(x, 1): derivative 0 below 1, 1 above
        float[][] r = run(x -> Scalars.maximum(x, 1));
        assertThat(r[0]).containsExactly(1f, 1f, 3f);
        assertThat(r[1]).containsExactly(0f, 0f, 1f);
    }

    @Test
    void inPlaceOperations() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(X);
            Scalars.addi(Scalars.divi(Scalars.muli(x, 4), 2), 0.5);
            assertThat(x.toFloatArray()).containsExactly(new float[] {-3.5f, 1.5f, 6.5f}, within(0f));
            // the operand does not stay in the array's manager
            assertThat(m.getManagedArrays()).hasSize(1);
        }
    }
}
