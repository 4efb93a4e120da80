package io.jgan.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Java access to float32 tensors in CPU memory, for the loops jgan runs on the host instead of as
 * engine operations (Adam's fused step, dropout masks), and in-place copies into engine memory.
 *
 * <p>Two traps this class exists to avoid:
 * <ul>
 *   <li>For a non-contiguous tensor, DJL's {@code JniUtils.getByteBuffer(a, true)} silently returns a
 *       buffer over a contiguous <em>copy</em>, whose capacity is the same: writes through it are
 *       lost. So contiguity is checked <em>before</em> the view is taken, never inferred after.
 *   <li>{@code NDArray.set(float[])} does not copy into the tensor: it swaps the tensor's storage
 *       for a Java direct buffer. The weights would then live in memory that only a Java reference
 *       keeps alive. {@link #copyInto} writes into the engine's own memory instead.
 * </ul>
 */
public final class HostTensors {

    private HostTensors() {}

    /** libtorch's {@code Tensor::is_contiguous}, which DJL 0.35.1 keeps package-private. */
    private static final MethodHandle IS_CONTIGUOUS = isContiguousHandle();

    private static MethodHandle isContiguousHandle() {
        try {
            Class<?> library = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
            Field lib = library.getDeclaredField("LIB");
            lib.setAccessible(true);
            Method method = library.getDeclaredMethod("torchIsContiguous", long.class);
            method.setAccessible(true);
            return MethodHandles.lookup().unreflect(method).bindTo(lib.get(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // nothing is then host-viewable: every caller takes its engine path
        }
    }

    /**
     * Whether a tensor is a dense, contiguous float32 PyTorch tensor in CPU memory that Java can
     * index.
     *
     * @param a the tensor
     * @return true if {@link #floatView} may be used on it
     */
    public static boolean onHost(NDArray a) {
        return a instanceof PtNDArray pt && Device.cpu().equals(a.getDevice()) && a.getDataType() == DataType.FLOAT32
                && a.size() <= Integer.MAX_VALUE && !pt.isSparse() && contiguous(pt);
    }

    private static boolean contiguous(PtNDArray a) {
        if (IS_CONTIGUOUS == null) {
            return false;
        }
        try {
            return (boolean) IS_CONTIGUOUS.invokeExact(a.getHandle().longValue());
        } catch (Throwable e) {
            throw new IllegalStateException("cannot ask libtorch whether a tensor is contiguous", e);
        }
    }

    /**
     * A float view of a tensor's own memory (no copy): writes through it change the tensor. Valid
     * while the tensor's storage lives.
     *
     * @param a a tensor for which {@link #onHost} holds
     * @return the view, capacity = the tensor's element count
     * @throws IllegalArgumentException if {@link #onHost} does not hold (checked first: DJL would
     *     hand back a copy)
     */
    public static FloatBuffer floatView(NDArray a) {
        if (!onHost(a)) {
            throw new IllegalArgumentException("tensor " + a.getShape() + " " + a.getDataType() + " on " + a.getDevice()
                    + " is not a contiguous float32 CPU tensor: no view of its memory can be taken");
        }
        ByteBuffer bytes = JniUtils.getByteBuffer((PtNDArray) a, true);
        if (!bytes.isDirect() || bytes.capacity() != a.size() * Float.BYTES) {
            throw new IllegalStateException("the engine handed back " + bytes.capacity() + " bytes for tensor "
                    + a.getShape() + ", not its own memory");
        }
        return bytes.order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * Copies values into a float32 tensor's own memory, in place: the tensor keeps its storage (its
     * handle, its views and the optimiser's references all see the new values).
     *
     * @param target the tensor, changed
     * @param values as many values as the tensor has elements, in its element order
     * @throws IllegalArgumentException if the count does not match
     */
    public static void copyInto(NDArray target, float[] values) {
        if (values.length != target.size()) {
            throw new IllegalArgumentException("tensor " + target.getShape() + " has " + target.size()
                    + " elements, " + values.length + " were given");
        }
        if (onHost(target)) {
            floatView(target).put(0, values);
        } else {
            try (NDManager scratch = target.getManager().newSubManager()) {
                copyInto(target, scratch.create(values, target.getShape()));
            }
        }
    }

    /**
     * Copies one tensor's values into another of the same shape, in place, on any device.
     *
     * @param target the tensor, changed
     * @param source the values
     */
    public static void copyInto(NDArray target, NDArray source) {
        Shape shape = target.getShape();
        if (!shape.equals(source.getShape())) {
            throw new IllegalArgumentException("cannot copy " + source.getShape() + " into " + shape);
        }
        target.set(new NDIndex("..."), source); // index_put_: writes into target's storage
    }
}
