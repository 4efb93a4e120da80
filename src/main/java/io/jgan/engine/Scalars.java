package io.jgan.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.BinaryOperator;

/**
 * Arithmetic between a tensor and a Java number, safe inside a gradient collector. Every such
 * operation in jgan goes through here; {@code EngineRulesTest} fails the build for a call of DJL's
 * own {@code NDArray.mul(Number)} (and {@code add}, {@code div}, {@code maximum}, ... with a number)
 * anywhere else.
 *
 * <p><b>Why.</b> In DJL 0.35.1 {@code PtNDArray.mul(Number n)} is
 * {@code try (NDArray s = manager.create(n)) { return mul(s); }}. On the CPU, {@code create} copies
 * the number into a direct {@code ByteBuffer} and wraps it with a non-owning {@code from_blob}: only
 * the Java buffer keeps that memory alive. {@code close()} drops the buffer, so the garbage
 * collector may free the memory at any moment after the call returns. But autograd keeps the
 * scalar for the backward pass ({@code MulBackward} saves {@code other}, {@code DivBackward} and
 * {@code MaximumBackward} likewise) and reads it in {@code backward}. A GC between the forward and
 * the backward pass, plus reuse of that memory, scaled D's gradient by garbage: training depended
 * on when the GC ran, and one run in five collapsed under GC pressure ({@code UseAfterFreeTest}
 * reproduces it on demand).
 *
 * <p><b>The rule.</b> A scalar operand is made by the engine ({@code full}), so its storage is
 * reference-counted by libtorch: the graph's reference keeps it alive until the backward pass is
 * done, however early the Java handle is closed. Closing the handle here at once also keeps
 * long-lived managers (parameters, optimiser moments) free of one scalar per call.
 */
public final class Scalars {

    private Scalars() {}

    /**
     * Applies {@code op(x, s)} with s a 0-d tensor holding {@code value}, allocated by the engine, of
     * x's type and device, whose Java handle is closed at once (the graph keeps its own reference).
     */
    private static NDArray apply(NDArray x, double value, BinaryOperator<NDArray> op) {
        try (NDArray s = x.getManager().full(new Shape(), (float) value, x.getDataType())) {
            return op.apply(x, s);
        }
    }

    /**
     * Returns {@code x * value}.
     *
     * @param x the tensor
     * @param value the factor
     * @return a new tensor in x's manager
     */
    public static NDArray mul(NDArray x, double value) {
        return apply(x, value, NDArray::mul);
    }

    /**
     * Returns {@code x / value}.
     *
     * @param x the tensor
     * @param value the divisor
     * @return a new tensor in x's manager
     */
    public static NDArray div(NDArray x, double value) {
        return apply(x, value, NDArray::div);
    }

    /**
     * Returns {@code x + value}.
     *
     * @param x the tensor
     * @param value the term
     * @return a new tensor in x's manager
     */
    public static NDArray add(NDArray x, double value) {
        return apply(x, value, NDArray::add);
    }

    /**
     * Returns {@code x - value}.
     *
     * @param x the tensor
     * @param value the term
     * @return a new tensor in x's manager
     */
    public static NDArray sub(NDArray x, double value) {
        return apply(x, value, NDArray::sub);
    }

    /**
     * Returns {@code max(x, value)} element-wise.
     *
     * @param x the tensor
     * @param value the floor
     * @return a new tensor in x's manager
     */
    public static NDArray maximum(NDArray x, double value) {
        return apply(x, value, NDArray::maximum);
    }

    /**
     * Multiplies {@code x} by {@code value} in place.
     *
     * @param x the tensor, changed
     * @param value the factor
     * @return x
     */
    public static NDArray muli(NDArray x, double value) {
        return apply(x, value, NDArray::muli);
    }

    /**
     * Divides {@code x} by {@code value} in place.
     *
     * @param x the tensor, changed
     * @param value the divisor
     * @return x
     */
    public static NDArray divi(NDArray x, double value) {
        return apply(x, value, NDArray::divi);
    }

    /**
     * Adds {@code value} to {@code x} in place.
     *
     * @param x the tensor, changed
     * @param value the term
     * @return x
     */
    public static NDArray addi(NDArray x, double value) {
        return apply(x, value, NDArray::addi);
    }
}
