package io.jgan.cli;

import io.jgan.JganException;
import io.jgan.bench.Benchmark;
import io.jgan.bench.KernelReport;
import io.jgan.bench.TimeToQuality;
import io.jgan.config.DataConfig;
import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.config.TrainConfig;
import io.jgan.data.TrainingData;
import io.jgan.format.Json;
import io.jgan.model.Family;
import io.jgan.session.TrainingSession;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jgan bench}: how fast the training loop runs on this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Time training iterations of a model on the embedded digits (no grids, plots or checkpoints).")
public final class BenchCommand implements Callable<Integer> {

    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "NAME", description = "mlp (the MLP GAN of 'GANs from Scratch 1', default),"
            + " mlp-bn (the BatchNorm generator of the GAN course), dcgan or sngan")
    String model = Family.MLP.id();

    @Option(names = "--data", paramLabel = "DIR", description = "train on this folder (MNIST-layout IDX files, as train's"
            + " --data) instead of the embedded digits; --to-fcd measures with the classifier of its domain")
    Path data;

    @Option(names = "--classifier", paramLabel = "DIR", description = "with --to-fcd: a classifier folder from `jgan"
            + " classifier` (default: the shipped one of the data's domain)")
    Path classifier;

    @Option(names = "--feature-maps", paramLabel = "N", description = "dcgan's or sngan's width, as for train (32, 64)")
    Integer featureMaps;

    @Option(names = "--d-feature-maps", paramLabel = "N", description = "D's width where it differs from G's, as for train")
    Integer dFeatureMaps;

    @Mixin
    RecipeOptions recipe;

    @Option(names = "--warmup", paramLabel = "N", description = "iterations not measured (default ${DEFAULT-VALUE})")
    int warmup = 50;

    @Option(names = "--iterations", paramLabel = "N", description = "iterations measured (default ${DEFAULT-VALUE})")
    int iterations = 500;

    @Option(names = "--rss-every", paramLabel = "N",
            description = "record resident memory every N iterations (default ${DEFAULT-VALUE}; 0 = at the end)")
    int rssEvery = 1000;

    @Option(names = "--conditional", description = "class-conditional model (the digits' 10 labels), as train --conditional")
    boolean conditional;

    @Option(names = "--clusters", paramLabel = "K|auto", description = "self-conditioned model on K k-means clusters of"
            + " the images, as train --clusters")
    String clusters;

    @Option(names = "--gemm-floor", description = "then replay the iteration's matrix products alone (mlp models):"
            + " the time the loop would take if everything else were free")
    boolean gemmFloor;

    @Option(names = "--tensorboard", paramLabel = "DIR",
            description = "also write TensorBoard events into DIR, as train does (to measure their cost)")
    Path tensorboard;

    @Option(names = "--kernels", description = "also report the oneDNN kernel families used (a short second run"
            + " with ONEDNN_VERBOSE)")
    boolean kernels;

    @Option(names = "--to-fcd", paramLabel = "FCD", description = "time to quality: train until jgan eval's FCD falls"
            + " below FCD; prints the seconds of training it took. --iterations caps it (default 20000)")
    Double toFcd;

    @Option(names = "--eval-every", paramLabel = "N", description = "with --to-fcd: iterations between measurements"
            + " (default ${DEFAULT-VALUE})")
    int evalEvery = 250;

    @Option(names = "--eval-samples", paramLabel = "N", description = "with --to-fcd: samples per measurement"
            + " (default ${DEFAULT-VALUE})")
    int evalSamples = 2000;

    @Option(names = "--training-seconds", paramLabel = "S", description = "with --to-fcd: stop after S seconds of"
            + " training, measured a last time, if the target was not reached (default 0: no limit)")
    double trainingSeconds;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the result as JSON")
    Path json;

    /** {@code --to-fcd}: train until FCD falls below the target and report the training time. */
    private int timeToQuality(GanConfig config, TrainingData.LabelledImages images, PrintWriter w) throws IOException {
        if (!(toFcd > 0) || evalEvery < 1 || evalSamples < 100 || evalSamples > 10_000 || !(trainingSeconds >= 0)) {
            throw new JganException(JganException.USAGE, "--to-fcd must be > 0, --eval-every >= 1, --eval-samples in"
                    + " 100..10000 and --training-seconds >= 0");
        }
        long cap = spec.commandLine().getParseResult().hasMatchedOption("--iterations") ? iterations : 20_000;
        GanConfig run = config.withSchedule(s -> s.maxSteps(cap).gridEvery(0).checkpointEvery(0)).validate();
        w.printf("jgan bench --to-fcd %.1f%s: %s%s, %s, FCD of %d samples every %d iterations, at most %d iterations%s%n",
                toFcd, data != null ? " on " + data : "", model, conditional ? " conditional"
                        : run.model().selfConditioned() ? " self-conditioned on " + run.model().classes() + " clusters" : "",
                recipe(run), evalSamples, evalEvery, cap,
                trainingSeconds > 0 ? " or " + trainingSeconds + " s of training" : "");
        w.println("step\ttraining_s\tFCD\tsmallest_class" + (conditional ? "\tclass_agreement" : ""));
        w.flush();
        TimeToQuality.Result r = TimeToQuality.run(run, images, classifier, toFcd, evalEvery, evalSamples, trainingSeconds, p -> {
            w.printf(java.util.Locale.ROOT, "%d\t%.1f\t%.2f\t%.3f%s%n", p.step(), p.trainingSeconds(), p.fcd(),
                    p.smallestClassShare(),
                    p.classAgreement() != null ? String.format(java.util.Locale.ROOT, "\t%.4f", p.classAgreement()) : "");
            w.flush();
        });
        TimeToQuality.Point last = r.last();
        if (r.reached()) {
            w.printf(java.util.Locale.ROOT, "time to FCD < %.1f: %.1f s of training, %d iterations (FCD %.2f%s; measurements"
                    + " not counted)%n", toFcd, last.trainingSeconds(), last.step(), last.fcd(), agreement(last));
        } else {
            w.printf(java.util.Locale.ROOT, "FCD stayed at or above %.1f for %d iterations (%.1f s of training; last FCD"
                    + " %.2f%s)%n", toFcd, last.step(), last.trainingSeconds(), last.fcd(), agreement(last));
        }
        w.println("cpu: " + KernelReport.cpu());
        if (json != null) {
            Files.write(json, Json.MAPPER.writeValueAsBytes(r));
        }
        return 0;
    }

    private static String agreement(TimeToQuality.Point p) {
        return String.format(java.util.Locale.ROOT, ", smallest class share %.3f", p.smallestClassShare())
                + (p.classAgreement() == null ? ""
                : String.format(java.util.Locale.ROOT, ", class agreement %.4f", p.classAgreement()));
    }

    private static String plain(double x) {
        return java.math.BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
    }

    /** The run's recipe in one line: what a reader needs to repeat it. */
    static String recipe(GanConfig c) {
        TrainConfig t = c.train();
        StringBuilder b = new StringBuilder("loss " + t.loss() + ", batch " + t.batchSize() + ", lr G " + plain(t.lrG())
                + " D " + plain(t.lrD()) + ", betas (" + plain(t.beta1()) + ", " + plain(t.beta2()) + ")");
        if (t.lrDecaySteps() > 0) {
            b.append(", lr decay over the last ").append(t.lrDecaySteps())
                    .append(c.schedule().maxSteps() > 0 ? " of " + c.schedule().maxSteps() : "").append(" steps");
        }
        if (c.model().featureMaps() > 0) {
            b.append(", feature maps ").append(c.model().featureMaps());
        }
        if (c.model().dFeatureMaps() > 0) {
            b.append(", D feature maps ").append(c.model().dFeatureMaps());
        }
        if (t.spectralNorm()) {
            b.append(", spectral norm");
        }
        if (t.projection()) {
            b.append(", projection");
        }
        if (!t.augment().isEmpty()) {
            b.append(", augment ").append(t.augment());
            if (t.augmentP() < 1) {
                b.append(" with p ").append(t.augmentP());
            }
        }
        if (t.r1Gamma() > 0) {
            b.append(", R1 ").append(t.r1Gamma()).append(" every ").append(t.r1Every());
        }
        if (t.emaDecay() > 0) {
            b.append(", ema ").append(t.emaDecay());
        }
        return b.toString();
    }

    @Override
    public Integer call() throws IOException {
        engine.apply();
        if (warmup < 0 || iterations < 1 || rssEvery < 0) {
            throw new JganException(JganException.USAGE,
                    "--warmup must be >= 0, --iterations >= 1 and --rss-every >= 0");
        }
        Presets.check(recipe.preset, model);
        GanConfig preset = Family.of(model).preset(1_000_000);
        TrainConfig train = recipe.over(preset.train());
        int batch = train.batchSize();
        double ema = train.emaDecay();
        ModelConfig m = TrainCommand.requestedModel(model, preset.model(), null, featureMaps, dFeatureMaps,
                recipe.projection);
        DataConfig source = (data != null ? DataConfig.images(data.toAbsolutePath().normalize().toString(), 0, 0, 0)
                : DataConfig.embedded(0)).withClusters(TrainCommand.clusters(clusters, conditional));
        GanConfig requested = Family.validate(new GanConfig(source, m, train, preset.schedule())); // before any data
        // the model takes the data's shape and classes, as train's does (read once, also for --to-fcd)
        TrainingData.LabelledImages images = TrainingData.read(source);
        if (source.clustered()) { // auto resolved on the data, as train records it
            requested = requested.withData(source.withClusters(images.classes().size()));
        }
        GanConfig config = Family.validate(requested.withModel(TrainingSession.shapedTo(m, images, conditional,
                source.clustered())));
        PrintWriter w = spec.commandLine().getOut();
        if (toFcd != null) {
            return timeToQuality(config, images, w);
        }
        w.printf("jgan bench: %s%s, loss %s%s, batch %d, %d warm-up + %d measured iterations%n", model,
                conditional ? " conditional" : "", train.loss(), ema > 0 ? ", ema " + ema : "", batch, warmup, iterations);
        w.flush();
        Benchmark.Result r = Benchmark.run(config, TrainingData.samples(images, config.model()), warmup, iterations,
                rssEvery, gemmFloor, tensorboard);
        Benchmark.describe(r).forEach(w::println);
        w.println("cpu: " + KernelReport.cpu());
        if (kernels) {
            List<String> args = new ArrayList<>(List.of("--model", model, "--batch-size", Integer.toString(batch), "--seed",
                    Long.toString(train.seed()), "--loss", train.loss(), "--device", engine.device, "--precision",
                    engine.precision)); // the kernels of the run measured above, bf16 ones under bf16
            if (conditional) {
                args.add("--conditional");
            }
            if (ema > 0) {
                args.addAll(List.of("--ema", Double.toString(ema)));
            }
            KernelReport.probe(args).forEach(w::println);
        }
        if (json != null) {
            try {
                Files.write(json, Json.MAPPER.writeValueAsBytes(r));
            } catch (IOException e) {
                throw new JganException(JganException.IO, "cannot write " + json + ": " + e.getMessage());
            }
            w.println("wrote " + json);
        }
        return 0;
    }
}
