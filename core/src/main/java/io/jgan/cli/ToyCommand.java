package io.jgan.cli;

import io.jgan.checkpoint.RunFolder;
import io.jgan.config.GanConfig;
import io.jgan.model.Family;
import io.jgan.toy.GaussianToy;
import io.jgan.train.MetricsListener;
import io.jgan.train.ProgressListener;
import io.jgan.train.TrainingListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jgan toy}: the 1-D Gaussian of 'GANs — Illustrated, explained and coded', learned in seconds. */
@Command(name = "toy", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a tiny GAN on one-pixel images whose values follow a Gaussian in [-1, 1].")
public final class ToyCommand implements Callable<Integer> {

    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    @Option(names = "--mean", paramLabel = "M", description = "real mean (default ${DEFAULT-VALUE})")
    double mean = 0.0;

    @Option(names = "--std", paramLabel = "S", description = "real standard deviation (default ${DEFAULT-VALUE})")
    double std = 0.2;

    @Option(names = "--steps", paramLabel = "N", description = "iterations (default ${DEFAULT-VALUE})")
    long steps = 2000;

    @Option(names = "--seed", paramLabel = "S", description = "random seed (default ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default runs/<time>-toy)")
    Path out;

    @Option(names = "--no-progress", description = "no progress bar")
    boolean noProgress;

    @Override
    public Integer call() throws IOException {
        engine.apply();
        GanConfig preset = Family.toy(mean, std, steps);
        GanConfig config = Family.validate(preset.withTrain(t -> t.seed(seed)));
        RunFolder run = RunFolder.create(out, Family.TOY.id());
        run.writeConfig(config);
        List<TrainingListener> listeners = new ArrayList<>();
        if (!noProgress) {
            listeners.add(new ProgressListener());
        }
        listeners.add(new MetricsListener(run.metrics(), run.dir().resolve("training.png")));
        GaussianToy.Result r = GaussianToy.run(config, listeners);
        Path histogram = run.dir().resolve("histogram.png");
        GaussianToy.writeHistogram(r, histogram);
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "real:      mean %+.4f  std %.4f  (%d samples)%n", r.realMean(), r.realStd(), r.real().length);
        w.printf(Locale.ROOT, "generated: mean %+.4f  std %.4f  (%d samples)%n", r.generatedMean(), r.generatedStd(),
                r.generated().length);
        w.printf("wrote %s and %s%n", histogram, run.dir().resolve("training.png"));
        return 0;
    }
}
