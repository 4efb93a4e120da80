package io.jgan.cli;

import io.jgan.config.RunSchedule;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The options of {@code jgan train} that set a {@link RunSchedule}: how long a run lasts and what it
 * writes when. These, and only these, may be given with {@code --resume}.
 */
public final class ScheduleOptions {

    @Option(names = "--epochs", paramLabel = "N", description = "passes over the data (default: the model's: 80;"
            + " pix2pix 4)")
    Integer epochs;

    @Option(names = "--max-steps", paramLabel = "N", description = "stop after N iterations (0 = no limit)")
    long maxSteps;

    @Option(names = "--grid-every", paramLabel = "N", description = "grid of the fixed noise every N iterations (default ${DEFAULT-VALUE})")
    int gridEvery = 100;

    @Option(names = "--grid-scale", paramLabel = "N", description = "pixel magnification of saved grids (default ${DEFAULT-VALUE})")
    int gridScale = RunSchedule.DEFAULT_GRID_SCALE;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "checkpoint every N iterations, 0 = only at the end (default ${DEFAULT-VALUE})")
    int checkpointEvery = 1000;

    @Option(names = "--keep-checkpoints", paramLabel = "N", description = "newest checkpoints kept (default ${DEFAULT-VALUE})")
    int keepCheckpoints = RunSchedule.DEFAULT_KEEP;

    @Option(names = "--eval-every", paramLabel = "N",
            description = "measure sample quality (FCD, KID, precision/recall...) every N iterations into eval.csv/eval.png (default 0: never)")
    int evalEvery;

    @Option(names = "--eval-samples", paramLabel = "N", description = "samples per quality measurement (default ${DEFAULT-VALUE})")
    int evalSamples = RunSchedule.DEFAULT_EVAL_SAMPLES;

    /**
     * The schedule of a new run: every option as given or defaulted.
     *
     * @param defaultEpochs the model's length when --epochs is not given
     * @return the schedule
     */
    RunSchedule schedule(int defaultEpochs) {
        return new RunSchedule(epochs != null ? epochs : defaultEpochs, maxSteps, gridEvery, checkpointEvery, keepCheckpoints, gridScale, evalEvery,
                evalSamples);
    }

    /**
     * The schedule of a resumed run: the saved one, with the options the user gave.
     *
     * @param saved the run's schedule
     * @param given the command line
     * @return the new schedule
     */
    RunSchedule over(RunSchedule saved, ParseResult given) {
        RunSchedule.Builder b = saved.toBuilder();
        if (given.hasMatchedOption("--epochs")) {
            b.epochs(epochs);
        }
        if (given.hasMatchedOption("--max-steps")) {
            b.maxSteps(maxSteps);
        }
        if (given.hasMatchedOption("--grid-every")) {
            b.gridEvery(gridEvery);
        }
        if (given.hasMatchedOption("--grid-scale")) {
            b.gridScale(gridScale);
        }
        if (given.hasMatchedOption("--checkpoint-every")) {
            b.checkpointEvery(checkpointEvery);
        }
        if (given.hasMatchedOption("--keep-checkpoints")) {
            b.keepCheckpoints(keepCheckpoints);
        }
        if (given.hasMatchedOption("--eval-every")) {
            b.evalEvery(evalEvery);
        }
        if (given.hasMatchedOption("--eval-samples")) {
            b.evalSamples(evalSamples);
        }
        return b.build();
    }
}
