package io.jgan.config;

/**
 * The range pixels are scaled to, matching the generator's output activation.
 *
 * <p>This is the one place where bytes become floats and back: {@link #toUnit} and {@link
 * #toByte} are used by the data loader, the grids and the IDX sample writer alike.
 */
public enum PixelRange {
    /** [-1, 1]: {@code x/255*2 - 1}, for a tanh generator (the MLP GAN). */
    SYMMETRIC,
    /** [0, 1]: {@code x/255}, for a sigmoid generator (the GAN course). */
    UNIT;

    /**
     * Scales one unsigned byte (0..255) into this range.
     *
     * @param unsignedByte the pixel, 0..255
     * @return the scaled value
     */
    public float toUnit(int unsignedByte) {
        float v = unsignedByte / 255f;
        return this == SYMMETRIC ? v * 2f - 1f : v;
    }

    /**
     * Maps a value of this range back to a byte, clamping and rounding half up.
     *
     * @param value the pixel value in this range (values outside are clamped)
     * @return 0..255
     */
    public int toByte(float value) {
        double v = this == SYMMETRIC ? (value + 1.0) / 2.0 * 255.0 : value * 255.0;
        long b = (long) Math.floor(v + 0.5);
        return (int) Math.max(0, Math.min(255, b));
    }

    /**
     * Maps a model value to [0, 1] (0 = black), unclamped and unquantised.
     *
     * @param value a pixel in this range
     * @return the pixel in [0, 1] units
     */
    public double toZeroOne(float value) {
        return this == SYMMETRIC ? (value + 1.0) / 2.0 : value;
    }

    /**
     * Maps a pixel in [0, 1] (0 = black) into this range: the inverse of {@link #toZeroOne}.
     *
     * @param zeroOne the pixel in [0, 1] units
     * @return the pixel in this range
     */
    public float fromZeroOne(double zeroOne) {
        return (float) (this == SYMMETRIC ? 2 * zeroOne - 1 : zeroOne);
    }
}
