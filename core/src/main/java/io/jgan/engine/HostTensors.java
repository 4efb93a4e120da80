package io.jgan.engine;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Views of tensor memory from Java, for the loops jgan runs on the host (the dropout mask, Adam):
 * only for a contiguous float32 CPU tensor, checked here, so that a view never reads a copy or the
 * wrong layout. Every other tensor takes the caller's engine path.
 */
public final class HostTensors {

    private HostTensors() {}

    /**
     * Whether a tensor's memory can be viewed from Java: float32, on the CPU, contiguous, dense,
     * at most 2^31 - 1 elements.
     *
     * @param a a tensor
     * @return true if {@link #floatView} may be called
     */
    public static boolean onHost(Tensor a) {
        // the binding hands enums back as new instances: compare their values, never with ==
        return a.device().type().value == DeviceType.CPU.value && a.scalar_type().value == ScalarType.Float.value
                && !a.is_sparse()
                && a.is_contiguous() && a.numel() <= Integer.MAX_VALUE;
    }

    /**
     * A view of a host tensor's memory: writes go straight into the tensor.
     *
     * @param a a tensor for which {@link #onHost} holds
     * @return a buffer over its elements, in row-major order
     * @throws IllegalArgumentException if {@code a} is not a contiguous float32 CPU tensor
     */
    public static FloatBuffer floatView(Tensor a) {
        if (!onHost(a)) {
            throw new IllegalArgumentException("tensor " + Torch.shapeString(a) + " " + a.scalar_type() + " on "
                    + a.device().str().getString() + " is not a contiguous float32 CPU tensor: no view of its memory can be taken");
        }
        return new FloatPointer(a.data_ptr()).capacity(a.numel()).asBuffer();
    }

    /**
     * Writes Java values into a tensor's own storage (no new tensor), whatever its device.
     *
     * @param target the tensor to overwrite
     * @param values as many values as it has elements, row-major
     */
    public static void copyInto(Tensor target, float[] values) {
        if (values.length != target.numel()) {
            throw new IllegalArgumentException("tensor " + Torch.shapeString(target) + " has " + target.numel()
                    + " elements, " + values.length + " were given");
        }
        if (onHost(target)) {
            floatView(target).put(0, values);
        } else {
            try (Scope scratch = Scope.open(); Torch.NoGrad off = Torch.noGrad()) {
                target.copy_(Torch.tensor(values, Torch.shape(target)));
            }
        }
    }
}
