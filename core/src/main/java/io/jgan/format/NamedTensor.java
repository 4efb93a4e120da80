package io.jgan.format;

import java.util.Arrays;

/**
 * A float32 tensor copied out of the engine, with the name it is saved under.
 *
 * @param name stable name, e.g. {@code 01SequentialBlock_01Linear_weight}
 * @param shape dimensions
 * @param data row-major values, {@code product(shape)} of them
 */
public record NamedTensor(String name, long[] shape, float[] data) {

    /**
     * Returns the number of elements the shape implies.
     *
     * @return the product of the dimensions
     */
    public long size() {
        return Arrays.stream(shape).reduce(1L, (a, b) -> a * b);
    }
}
