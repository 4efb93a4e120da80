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
 */
public record DataConfig(
        String source, int limit, double gaussianMean, double gaussianStd, int gaussianCount) {

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
        return new DataConfig(EMBEDDED, limit, 0, 0, 0);
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
