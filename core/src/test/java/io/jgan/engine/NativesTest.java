package io.jgan.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** What {@link Natives#load} sets up before the first native object. */
class NativesTest {

    /**
     * JavaCPP reads its physical-memory limit once, when {@code Pointer} loads; above zero, every
     * allocation (each tensor an operation returns) first reads the process's resident memory.
     * Natives.load runs before any torch class, so the limit it sets must be the one in force.
     */
    @Test
    void javaCppReadsNoResidentMemoryPerAllocation() {
        Natives.load();
        try (Scope s = Scope.open()) {
            Tensor t = Torch.tensor(new float[] {1f, 2f}, 2).add(Torch.tensor(new float[] {3f, 4f}, 2));
            assertThat(Torch.floats(t)).containsExactly(4f, 6f);
        }
        assertThat(Pointer.maxPhysicalBytes()).isZero();
        assertThat(System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes")).isEqualTo("0");
    }
}
