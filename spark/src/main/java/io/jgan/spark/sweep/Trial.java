package io.jgan.spark.sweep;

import java.io.Serializable;
import java.util.List;

/**
 * One trial of a sweep: its id (stable for a given spec, so a resumed sweep finds its results),
 * the {@code jgan train} options it adds to the sweep's, and its seed.
 *
 * @param id t000, t001, ...
 * @param options train options, as on the command line
 * @param seed the training seed
 * @param settings a short description of the varying settings, for the leaderboard
 */
public record Trial(String id, List<String> options, long seed, String settings) implements Serializable {}
