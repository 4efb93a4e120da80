package io.jgan.data;

/**
 * A set of uint8 images, row-major, {@code pixels[i*rows*cols + r*cols + c]}, 0 = background.
 *
 * @param count number of images
 * @param rows image height
 * @param cols image width
 * @param pixels {@code count*rows*cols} unsigned bytes
 */
public record ImageSet(int count, int rows, int cols, byte[] pixels) {

    /**
     * Returns the first {@code n} images (all if {@code n} is 0 or larger than the set).
     *
     * @param n how many to keep
     * @return a view sharing nothing mutable with callers beyond the pixel copy
     */
    public ImageSet limit(int n) {
        if (n <= 0 || n >= count) {
            return this;
        }
        byte[] head = java.util.Arrays.copyOf(pixels, n * rows * cols);
        return new ImageSet(n, rows, cols, head);
    }
}
