package io.jgan.data;

/**
 * A set of uint8 images, channel-major per image as PyTorch's (N, C, H, W):
 * {@code pixels[((i*channels + ch)*rows + r)*cols + c]}, 0 = black.
 *
 * @param count number of images
 * @param channels 1 (grayscale) or 3 (RGB)
 * @param rows image height
 * @param cols image width
 * @param pixels {@code count*channels*rows*cols} unsigned bytes
 */
public record ImageSet(int count, int channels, int rows, int cols, byte[] pixels) {

    /** @return bytes per image, {@code channels*rows*cols} */
    public int imageSize() {
        return channels * rows * cols;
    }

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
        byte[] head = java.util.Arrays.copyOf(pixels, n * imageSize());
        return new ImageSet(n, channels, rows, cols, head);
    }
}
