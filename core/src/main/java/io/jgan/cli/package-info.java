/**
 * The {@code jgan} command line (picocli): one class per command, shared options as mixins
 * ({@link io.jgan.cli.CheckpointOption}, {@link io.jgan.cli.NoiseSeedOption},
 * {@link io.jgan.cli.OutFileOption}, {@link io.jgan.cli.DataOptions},
 * {@link io.jgan.cli.RecipeOptions}, {@link io.jgan.cli.ScheduleOptions}). A command parses, builds a
 * config, calls one library entry and prints; {@link io.jgan.cli.Main} owns the exit codes.
 */
package io.jgan.cli;
