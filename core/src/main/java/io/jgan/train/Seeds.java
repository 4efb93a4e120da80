package io.jgan.train;

/**
 * Derives every random stream of a run from its seed: the initial weights from (seed, -1), the
 * data order of epoch e from (seed, e), the noise and masks of step s from (seed, s). A resumed
 * run therefore draws exactly what an uninterrupted one would.
 */
public final class Seeds {

    private Seeds() {}

    /**
     * SplitMix64 of (seed, counter), folded to the int the engine takes.
     *
     * @param seed the run's seed
     * @param counter the stream: -1 for the initial weights, the epoch, or the step
     * @return the derived seed
     */
    public static int mix(long seed, long counter) {
        long z = seed * 0x9E3779B97F4A7C15L + counter + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (int) (z ^ (z >>> 32));
    }
}
