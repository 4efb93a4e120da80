/**
 * The benchmarks behind {@code jgan bench}: the training loop's time per iteration against its FLOP
 * count, the GEMM floor of an iteration, the kernels the engine ran, and time to a quality target.
 * Benchmarks, not tests: they measure, they do not assert.
 */
package io.jgan.bench;
