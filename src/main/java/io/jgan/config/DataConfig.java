package io.jgan.config;

import io.jgan.JganException;

/**
 * Where the training data comes from.
 *
 * @param source {@code embedded} (the shipped 10,000 MNIST digits), {@code gaussian} (the 1-D
 *     toy), or a directory holding MNIST-layout IDX files
 * @param limit use only the first {@code limit} samples (0 = all); for quick runs and tests
 * @param gaussianMean mean of the toy's real distribution
 * @param gaussianStd standard deviation of the toy's real distribution
 * @param gaussianCount number of toy samples
 * @param imageSize for image folders: resize and centre-crop to this square size (0 = keep the
 *     images' own size, which must then agree)
 * @param channels for image folders: 1 (gray), 3 (RGB) or 0 (gray if every image is)
 */
public record DataConfig(
        String source, int limit, double gaussianMean, double gaussianStd, int gaussianCount, int imageSize,
        int channels) {

    /** The embedded MNIST digits. */
    public static final String EMBEDDED = "embedded";
    /** The 1-D Gaussian toy data set. */
    public static final String GAUSSIAN = "gaussian";

    /**
     * Returns the embedded digits, optionally limited.
     *
     * @param limit 0 for all
     * @return the config
     */
    public static DataConfig embedded(int limit) {
        return new DataConfig(EMBEDDED, limit, 0, 0, 0, 0, 0);
    }

    /**
     * Checks the values.
     *
     * @throws JganException naming the bad value
     */
    public void validate() {
        if (limit < 0) {
            throw new JganException(JganException.USAGE, "--limit must be >= 0 (0 = all), got " + limit);
        }
        if (imageSize < 0 || imageSize > ModelConfig.MAX_SIDE) {
            throw new JganException(JganException.USAGE,
                    "--image-size must be in 1.." + ModelConfig.MAX_SIDE + " (or 0 to keep the size), got " + imageSize);
        }
        if (channels != 0 && channels != 1 && channels != 3) {
            throw new JganException(JganException.USAGE, "--channels must be 1 or 3, got " + channels);
        }
        if (GAUSSIAN.equals(source)) {
            if (!(gaussianStd > 0) || Math.abs(gaussianMean) + 3 * gaussianStd > 1.0) {
                throw new JganException(
                        JganException.USAGE,
                        "the toy's Gaussian must lie in [-1, 1]: need std > 0 and |mean| + 3*std <= 1"
                                + ", got mean " + gaussianMean + " std " + gaussianStd);
            }
            if (gaussianCount < 1) {
                throw new JganException(JganException.USAGE, "toy sample count must be >= 1");
            }
        }
    }
}
