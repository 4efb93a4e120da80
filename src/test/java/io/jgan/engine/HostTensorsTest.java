package io.jgan.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** Views of a tensor's own memory, refused before they are taken where DJL would hand back a copy. */
class HostTensorsTest {

    @Test
    void aViewWritesIntoTheTensor() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.zeros(new Shape(2, 3));
            assertThat(HostTensors.onHost(a)).isTrue();
            HostTensors.floatView(a).put(4, 7f);
            assertThat(a.toFloatArray()).containsExactly(0f, 0f, 0f, 0f, 7f, 0f);
        }
    }

    /** A transposed view is not contiguous: DJL's getByteBuffer would return a copy, and writes would be lost. */
    @Test
    void nonContiguousAndOtherTypesAreRefusedBeforeAnyViewIsTaken() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.arange(6f).reshape(2, 3);
            NDArray t = a.transpose(); // (3, 2), strides (1, 3)
            assertThat(HostTensors.onHost(t)).isFalse();
            int arrays = m.getManagedArrays().size();
            assertThatThrownBy(() -> HostTensors.floatView(t)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a contiguous float32 CPU tensor");
            assertThat(m.getManagedArrays()).hasSize(arrays); // no contiguous copy was made on the way
            NDArray ints = m.zeros(new Shape(3), DataType.INT32);
            assertThat(HostTensors.onHost(ints)).isFalse();
        }
    }

    /** copyInto writes into the tensor's storage: a view taken before sees the new values (set() swaps storage). */
    @Test
    void copyIntoKeepsTheTensorsOwnMemory() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.zeros(new Shape(2, 2));
            FloatBuffer before = HostTensors.floatView(a);
            HostTensors.copyInto(a, new float[] {1f, 2f, 3f, 4f});
            assertThat(before.get(3)).isEqualTo(4f);
            assertThat(a.toFloatArray()).containsExactly(1f, 2f, 3f, 4f);
            // the engine path (other devices), taken here on the CPU
            HostTensors.copyInto(a, m.create(new float[] {5f, 6f, 7f, 8f}, new Shape(2, 2)));
            assertThat(before.get(0)).isEqualTo(5f);
            assertThatThrownBy(() -> HostTensors.copyInto(a, new float[3])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has 4 elements, 3 were given");
        }
    }
}
