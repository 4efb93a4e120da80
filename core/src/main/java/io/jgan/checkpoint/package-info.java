/**
 * Run folders and checkpoints: the layout of {@code RUN/} ({@link io.jgan.checkpoint.RunFolder}),
 * atomic, CRC-checked checkpoints that describe themselves ({@link io.jgan.checkpoint.Checkpoints},
 * {@link io.jgan.checkpoint.CheckpointManifest}), the names of their parts
 * ({@link io.jgan.checkpoint.CheckpointSchema}) and their tensor file format
 * ({@link io.jgan.checkpoint.TensorFile}).
 */
package io.jgan.checkpoint;
