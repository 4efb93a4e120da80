package io.jgan.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Java access to float32 tensors in CPU memory, for the loops jgan runs on the host instead of as
 * engine operations (Adam's fused step, dropout masks).
 */
public final class HostTensors {

    private HostTensors() {}

    /**
     * Whether a tensor is a float32 PyTorch tensor in CPU memory that Java can index.
     *
     * @param a the tensor
     * @return true if {@link #floatView} may be used on it
     */
    public static boolean onHost(NDArray a) {
        return a instanceof PtNDArray && Device.cpu().equals(a.getDevice()) && a.getDataType() == DataType.FLOAT32
                && a.size() <= Integer.MAX_VALUE;
    }

    /**
     * A float view of a contiguous CPU tensor's own memory (no copy): writes through it change the
     * tensor. Valid while the tensor's storage lives.
     *
     * @param a a tensor for which {@link #onHost} holds
     * @return the view, capacity = the tensor's element count
     * @throws IllegalStateException if the engine handed back a copy rather than the tensor's memory
     */
    public static FloatBuffer floatView(NDArray a) {
        ByteBuffer bytes = JniUtils.getByteBuffer((PtNDArray) a, true);
        if (!bytes.isDirect() || bytes.capacity() != a.size() * Float.BYTES) {
            throw new IllegalStateException("tensor " + a.getShape() + " is not a contiguous float32 CPU buffer");
        }
        return bytes.order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
