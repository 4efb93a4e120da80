package io.jgan.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** Views of a tensor's own memory, refused before they are taken where they would read the wrong layout. */
class HostTensorsTest {

    @Test
    void aViewWritesIntoTheTensor() {
        try (Scope s = Scope.open()) {
            Tensor a = Torch.zeros(2, 3);
            assertThat(HostTensors.onHost(a)).isTrue();
            HostTensors.floatView(a).put(4, 7f);
            assertThat(Torch.floats(a)).containsExactly(0f, 0f, 0f, 0f, 7f, 0f);
        }
    }

    /** A transposed view is not contiguous: a view of its storage would read it in the wrong order. */
    @Test
    void nonContiguousAndOtherTypesAreRefusedBeforeAnyViewIsTaken() {
        try (Scope s = Scope.open()) {
            Tensor a = Torch.tensor(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
            Tensor t = a.t(); // (3, 2), strides (1, 3)
            assertThat(HostTensors.onHost(t)).isFalse();
            assertThatThrownBy(() -> HostTensors.floatView(t)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a contiguous float32 CPU tensor");
            Tensor ints = torch.zeros(new long[] {3}, new TensorOptions(ScalarType.Int));
            assertThat(HostTensors.onHost(ints)).isFalse();
            assertThat(Torch.floats(t)).containsExactly(0f, 3f, 1f, 4f, 2f, 5f); // copies read the layout right
        }
    }

    /** copyInto writes into the tensor's storage: a view taken before sees the new values. */
    @Test
    void copyIntoKeepsTheTensorsOwnMemory() {
        try (Scope s = Scope.open()) {
            Tensor a = Torch.zeros(2, 2);
            FloatBuffer before = HostTensors.floatView(a);
            HostTensors.copyInto(a, new float[] {1f, 2f, 3f, 4f});
            assertThat(before.get(3)).isEqualTo(4f);
            assertThat(Torch.floats(a)).containsExactly(1f, 2f, 3f, 4f);
            // the engine path (other devices, other layouts), taken here through a transposed view
            HostTensors.copyInto(a.t(), new float[] {5f, 6f, 7f, 8f});
            assertThat(before.get(0)).isEqualTo(5f);
            assertThat(Torch.floats(a)).containsExactly(5f, 7f, 6f, 8f);
            assertThatThrownBy(() -> HostTensors.copyInto(a, new float[3])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has 4 elements, 3 were given");
        }
    }

    /** A kept tensor outlives the scope it was made in; the rest go with it. */
    @Test
    void keepTakesATensorOutOfItsScope() {
        Tensor kept;
        Tensor dropped;
        try (Scope s = Scope.open()) {
            kept = Scope.keep(Torch.full(3f, 2));
            dropped = Torch.full(4f, 2);
        }
        assertThat(dropped.isNull()).isTrue();
        assertThat(Torch.floats(kept)).containsExactly(3f, 3f);
        kept.close();
        assertThat(kept.isNull()).isTrue();
    }
}
