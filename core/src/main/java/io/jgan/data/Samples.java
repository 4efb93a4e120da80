package io.jgan.data;

/**
 * Training samples, flattened and already scaled to the model's pixel range.
 *
 * @param count number of samples
 * @param dim values per sample (784 for MNIST, 1 for the toy)
 * @param values {@code count*dim} floats, sample-major
 * @param labels one class label per sample, or {@code null} when the data has none
 * @param description where the samples came from, for logs and the run's config
 */
public record Samples(int count, int dim, float[] values, byte[] labels, String description) {}
