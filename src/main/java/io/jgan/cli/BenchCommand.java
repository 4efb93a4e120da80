package io.jgan.cli;

import io.jgan.JganException;
import io.jgan.bench.Benchmark;
import io.jgan.bench.KernelReport;
import io.jgan.bench.TimeToQuality;
import io.jgan.config.DataConfig;
import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.config.TrainConfig;
import io.jgan.format.Json;
import io.jgan.model.Family;
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

    /** The embedded digits' classes, for --conditional. */
    private static final int DIGIT_CLASSES = 10;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "NAME", description = "mlp (the MLP GAN of 'GANs from Scratch 1', default),"
            + " mlp-bn (the BatchNorm generator of the GAN course) or dcgan")
    String model = Family.MLP.id();

    @Option(names = "--batch-size", paramLabel = "N", description = "samples per batch (default: the model's)")
    Integer batchSize;

    @Option(names = "--warmup", paramLabel = "N", description = "iterations not measured (default ${DEFAULT-VALUE})")
    int warmup = 50;

    @Option(names = "--iterations", paramLabel = "N", description = "iterations measured (default ${DEFAULT-VALUE})")
    int iterations = 500;

    @Option(names = "--rss-every", paramLabel = "N",
            description = "record resident memory every N iterations (default ${DEFAULT-VALUE}; 0 = at the end)")
    int rssEvery = 1000;

    @Option(names = "--seed", paramLabel = "S", description = "random seed (default ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--loss", paramLabel = "NAME", description = "objective, as for train (default: the model's, bce)")
    String loss;

    @Option(names = "--ema", paramLabel = "DECAY", description = "also keep an average of G's weights, as train --ema does")
    double ema;

    @Option(names = "--conditional", description = "class-conditional model (the digits' 10 labels), as train --conditional")
    boolean conditional;

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
            + " below FCD (embedded digits); prints the seconds of training it took. --iterations caps it (default 20000)")
    Double toFcd;

    @Option(names = "--eval-every", paramLabel = "N", description = "with --to-fcd: iterations between measurements"
            + " (default ${DEFAULT-VALUE})")
    int evalEvery = 250;

    @Option(names = "--eval-samples", paramLabel = "N", description = "with --to-fcd: samples per measurement"
            + " (default ${DEFAULT-VALUE})")
    int evalSamples = 2000;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the result as JSON")
    Path json;

    /** {@code --to-fcd}: train until FCD falls below the target and report the training time. */
    private int timeToQuality(GanConfig config, PrintWriter w) throws IOException {
        if (!(toFcd > 0) || evalEvery < 1 || evalSamples < 100 || evalSamples > 10_000) {
            throw new JganException(JganException.USAGE, "--to-fcd must be > 0, --eval-every >= 1 and --eval-samples in"
                    + " 100..10000");
        }
        long cap = spec.commandLine().getParseResult().hasMatchedOption("--iterations") ? iterations : 20_000;
        GanConfig run = config.withSchedule(s -> s.maxSteps(cap).gridEvery(0).checkpointEvery(0)).validate();
        w.printf("jgan bench --to-fcd %.1f: %s%s, batch %d, FCD of %d samples every %d iterations, at most %d iterations%n",
                toFcd, model, conditional ? " conditional" : "", run.train().batchSize(), evalSamples, evalEvery, cap);
        w.println("step\ttraining_s\tFCD");
        w.flush();
        TimeToQuality.Result r = TimeToQuality.run(run, toFcd, evalEvery, evalSamples, p -> {
            w.printf(java.util.Locale.ROOT, "%d\t%.1f\t%.2f%n", p.step(), p.trainingSeconds(), p.fcd());
            w.flush();
        });
        TimeToQuality.Point last = r.last();
        if (r.reached()) {
            w.printf(java.util.Locale.ROOT, "time to FCD < %.1f: %.1f s of training, %d iterations (FCD %.2f; measurements"
                    + " not counted)%n", toFcd, last.trainingSeconds(), last.step(), last.fcd());
        } else {
            w.printf(java.util.Locale.ROOT, "FCD stayed at or above %.1f for %d iterations (%.1f s of training; last FCD"
                    + " %.2f)%n", toFcd, last.step(), last.trainingSeconds(), last.fcd());
        }
        w.println("cpu: " + KernelReport.cpu());
        if (json != null) {
            Files.write(json, Json.MAPPER.writeValueAsBytes(r));
        }
        return 0;
    }

    @Override
    public Integer call() throws IOException {
        engine.apply();
        if (warmup < 0 || iterations < 1 || rssEvery < 0) {
            throw new JganException(JganException.USAGE,
                    "--warmup must be >= 0, --iterations >= 1 and --rss-every >= 0");
        }
        GanConfig preset = Family.of(model).preset(1_000_000);
        int batch = batchSize != null ? batchSize : preset.train().batchSize();
        TrainConfig train = preset.train().toBuilder().batchSize(batch).seed(seed).emaDecay(ema)
                .loss(loss != null ? loss : preset.train().loss()).build();
        ModelConfig m = preset.model();
        ModelConfig shape = conditional ? new ModelConfig(m.family(), m.latentDim(), m.channels(), m.height(), m.width(),
                m.range(), DIGIT_CLASSES) : m;
        GanConfig config = Family.validate(new GanConfig(DataConfig.embedded(0), shape, train, preset.schedule()));
        PrintWriter w = spec.commandLine().getOut();
        if (toFcd != null) {
            return timeToQuality(config, w);
        }
        w.printf("jgan bench: %s%s, loss %s%s, batch %d, %d warm-up + %d measured iterations%n", model,
                conditional ? " conditional" : "", train.loss(), ema > 0 ? ", ema " + ema : "", batch, warmup, iterations);
        w.flush();
        Benchmark.Result r = Benchmark.run(config, warmup, iterations, rssEvery, gemmFloor, tensorboard);
        Benchmark.describe(r).forEach(w::println);
        w.println("cpu: " + KernelReport.cpu());
        if (kernels) {
            List<String> args = new ArrayList<>(List.of("--model", model, "--batch-size", Integer.toString(batch), "--seed",
                    Long.toString(seed), "--loss", train.loss()));
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
