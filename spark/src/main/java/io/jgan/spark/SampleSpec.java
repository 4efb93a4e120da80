package io.jgan.spark;

import io.jgan.JganException;
import java.io.Serializable;

/**
 * What to sample: ids 0..n-1 with one seed, over a number of partitions, and which columns.
 *
 * @param n how many samples
 * @param seed the noise seed (sample i is a function of (seed, i) alone)
 * @param partitions Spark partitions (tasks)
 * @param label every sample's class for a conditional generator, or null (id mod classes)
 * @param png whether to make the {@code png} column (one PNG file's bytes a sample)
 * @param pixels whether to make the {@code pixels} column (floats in [0, 1], C*H*W)
 */
public record SampleSpec(long n, long seed, int partitions, Integer label, boolean png, boolean pixels)
        implements Serializable {

    /** The most samples one job makes (ids are longs; this keeps a typo from running for days). */
    public static final long MAX_N = 1_000_000_000L;

    /** Checks the numbers, with a message naming the fix. */
    public SampleSpec {
        if (n < 1 || n > MAX_N) {
            throw new JganException(JganException.USAGE, "--n must be in 1.." + MAX_N + ", got " + n);
        }
        if (partitions < 1 || partitions > 100_000) {
            throw new JganException(JganException.USAGE, "--partitions must be in 1..100000, got " + partitions);
        }
        if (!png && !pixels) {
            throw new JganException(JganException.USAGE, "no image column asked for: give --columns png, pixels or"
                    + " png,pixels");
        }
    }
}
