package io.jgan.config;

import static io.jgan.config.TrainConfig.require;

/**
 * How long a run lasts and what it writes when: the only settings a resumed run may change (the
 * model, the data and the {@link TrainConfig} stay as the run began). Built with
 * {@link #ofEpochs} and {@link #toBuilder()}.
 *
 * @param epochs passes over the data
 * @param maxSteps stop after this many iterations (0 = no limit); for quick runs and tests
 * @param gridEvery write a grid of the fixed noise every this many iterations (0 = only at the end)
 * @param checkpointEvery write a checkpoint every this many iterations (0 = only at the end)
 * @param keepCheckpoints how many newest checkpoints to keep (0 in configs written before it
 *     existed reads as 2)
 * @param gridScale pixel magnification of saved grids (0 reads as 2)
 * @param evalEvery measure sample quality every this many iterations (0 = never)
 * @param evalSamples samples per quality measurement (0 reads as 1,000)
 */
public record RunSchedule(int epochs, long maxSteps, int gridEvery, int checkpointEvery, int keepCheckpoints,
        int gridScale, int evalEvery, int evalSamples) {

    /** Default of {@link #keepCheckpoints}. */
    public static final int DEFAULT_KEEP = 2;
    /** Default of {@link #gridScale}. */
    public static final int DEFAULT_GRID_SCALE = 2;
    /** Default of {@link #evalSamples}. */
    public static final int DEFAULT_EVAL_SAMPLES = 1000;

    /** Compact constructor: 0 (a field missing from an older config) means the default. */
    public RunSchedule {
        keepCheckpoints = keepCheckpoints == 0 ? DEFAULT_KEEP : keepCheckpoints;
        gridScale = gridScale == 0 ? DEFAULT_GRID_SCALE : gridScale;
        evalSamples = evalSamples == 0 ? DEFAULT_EVAL_SAMPLES : evalSamples;
    }

    /**
     * A run of whole epochs with the tutorial's outputs: a grid every 100 iterations, a checkpoint
     * at the end, no quality measurements.
     *
     * @param epochs passes over the data
     * @return the schedule
     */
    public static RunSchedule ofEpochs(int epochs) {
        return new RunSchedule(epochs, 0, 100, 0, DEFAULT_KEEP, DEFAULT_GRID_SCALE, 0, DEFAULT_EVAL_SAMPLES);
    }

    /**
     * Checks the values.
     *
     * @throws io.jgan.JganException naming the bad value and what is accepted
     */
    public void validate() {
        require(epochs >= 1, "--epochs must be >= 1, got " + epochs);
        require(maxSteps >= 0, "--max-steps must be >= 0 (0 = no limit), got " + maxSteps);
        require(gridEvery >= 0, "--grid-every must be >= 0, got " + gridEvery);
        require(checkpointEvery >= 0, "--checkpoint-every must be >= 0, got " + checkpointEvery);
        require(keepCheckpoints >= 1 && keepCheckpoints <= 1000, "--keep-checkpoints must be in 1..1000, got "
                + keepCheckpoints);
        require(gridScale >= 1 && gridScale <= 16, "--grid-scale must be in 1..16, got " + gridScale);
        require(evalEvery >= 0, "--eval-every must be >= 0 (0 = never), got " + evalEvery);
        require(evalSamples >= 10 && evalSamples <= 50_000, "--eval-samples must be in 10..50000, got " + evalSamples);
    }

    /** @return a builder holding this schedule's values */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link RunSchedule}; every setter names its field. */
    public static final class Builder {
        private int epochs;
        private long maxSteps;
        private int gridEvery;
        private int checkpointEvery;
        private int keepCheckpoints;
        private int gridScale;
        private int evalEvery;
        private int evalSamples;

        private Builder(RunSchedule s) {
            epochs = s.epochs;
            maxSteps = s.maxSteps;
            gridEvery = s.gridEvery;
            checkpointEvery = s.checkpointEvery;
            keepCheckpoints = s.keepCheckpoints;
            gridScale = s.gridScale;
            evalEvery = s.evalEvery;
            evalSamples = s.evalSamples;
        }

        /** @param v passes over the data @return this */
        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        /** @param v iteration limit (0 = none) @return this */
        public Builder maxSteps(long v) {
            maxSteps = v;
            return this;
        }

        /** @param v grid cadence @return this */
        public Builder gridEvery(int v) {
            gridEvery = v;
            return this;
        }

        /** @param v checkpoint cadence @return this */
        public Builder checkpointEvery(int v) {
            checkpointEvery = v;
            return this;
        }

        /** @param v checkpoints kept @return this */
        public Builder keepCheckpoints(int v) {
            keepCheckpoints = v;
            return this;
        }

        /** @param v grid magnification @return this */
        public Builder gridScale(int v) {
            gridScale = v;
            return this;
        }

        /** @param v quality-measurement cadence @return this */
        public Builder evalEvery(int v) {
            evalEvery = v;
            return this;
        }

        /** @param v samples per measurement @return this */
        public Builder evalSamples(int v) {
            evalSamples = v;
            return this;
        }

        /** @return the schedule (not yet validated) */
        public RunSchedule build() {
            return new RunSchedule(epochs, maxSteps, gridEvery, checkpointEvery, keepCheckpoints, gridScale, evalEvery,
                    evalSamples);
        }
    }
}
