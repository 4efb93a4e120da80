/**
 * Immutable, validated records of what a run is: the data ({@link io.jgan.config.DataConfig}), the
 * model's sizes ({@link io.jgan.config.ModelConfig}), the training recipe
 * ({@link io.jgan.config.TrainConfig}) and how long and what to write
 * ({@link io.jgan.config.RunSchedule}), together a {@link io.jgan.config.GanConfig} that every
 * checkpoint carries. Checked before any native memory is touched; a family's own rules are
 * {@code io.jgan.model.Family}'s.
 */
package io.jgan.config;
