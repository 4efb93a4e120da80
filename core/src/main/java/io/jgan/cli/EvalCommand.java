package io.jgan.cli;

import io.jgan.JganException;
import io.jgan.eval.Calibration;
import io.jgan.eval.ClassifierBundle;
import io.jgan.eval.EvalInputs;
import io.jgan.eval.EvalReport;
import io.jgan.eval.Evaluator;
import io.jgan.format.Json;
import io.jgan.model.Family;
import io.jgan.pix2pix.Pix2PixEval;
import io.jgan.sample.Sampler;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jgan eval}: how good is a generator, measured in a domain classifier's feature space. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure sample quality in a domain classifier's feature space.",
            "FCD, KID, classifier score, class shares (mode collapse), precision/recall/density/coverage",
            "and nearest training images (memorisation). Prints a table; --json writes JSON."})
public final class EvalCommand implements Callable<Integer> {

    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--checkpoint", paramLabel = "RUN", description = "run folder (newest checkpoint) or checkpoint folder")
        Path checkpoint;

        @Option(names = "--samples", paramLabel = "FILE", description = "samples saved by `jgan sample`: an IDX images file (--format idx) or a"
                + " folder of PNG files (--format dir)")
        Path samples;

        @Option(names = "--calibrate", description = "measure the calibration sets (real held-out, real training, noise,"
                + " blurred, one image per class, one class) and print the README's table")
        boolean calibrate;
    }

    @Option(names = "--n", paramLabel = "N", description = "samples to draw from a checkpoint (default ${DEFAULT-VALUE})")
    int n = 5000;

    @Option(names = "--seed", paramLabel = "S", description = "noise seed (default ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--domain", paramLabel = "NAME",
            description = "classifier domain: mnist or fashion (default: recognised from the run's data; mnist for --samples;"
                    + " not needed with --classifier)")
    String domain;

    @Option(names = "--data", paramLabel = "DIR",
            description = "training images for the memorisation check with --samples / the Fashion-MNIST folder for --calibrate")
    Path data;

    @Option(names = "--classifier", paramLabel = "DIR", description = "a classifier folder from `jgan classifier` instead of"
            + " the shipped one: the way to measure colour or other data of your own")
    Path classifier;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the report as JSON (- for standard output)")
    Path json;

    @Override
    public Integer call() {
        engine.apply();
        if (n < 2 || n > 100_000) {
            throw new JganException(JganException.USAGE, "--n must be in 2..100000, got " + n);
        }
        PrintWriter w = spec.commandLine().getOut();
        if (source.calibrate) {
            return calibrate(w);
        }
        EvalInputs.Inputs in;
        if (source.checkpoint != null) {
            try (Sampler sampler = Sampler.load(source.checkpoint)) {
                if (Family.of(sampler.model()).imageToImage()) {
                    return heldOut(w, sampler); // image to image: held-out pairs, not noise samples
                }
                in = EvalInputs.ofCheckpoint(sampler, n, seed, domain, classifier != null,
                        warning -> spec.commandLine().getErr().println("jgan: warning: " + warning));
            }
        } else {
            in = EvalInputs.ofSamples(source.samples, domain, data);
        }
        try (ClassifierBundle bundle = classifier != null ? ClassifierBundle.load(classifier)
                : ClassifierBundle.shipped(in.domain())) {
            EvalInputs.ImageBatch training = in.training();
            in.samples().requireFits(bundle, "the samples");
            if (training != null && !training.shape().equals(in.samples().shape())) {
                training = null; // a memorisation check needs the same pixels on both sides
            }
            EvalReport report = Evaluator.evaluate(bundle, in.samples().pixels(), in.samples().n(),
                    training != null ? training.pixels() : null, training != null ? training.n() : 0,
                    training != null ? training.description() : null, in.samples().description(), seed, in.askedClasses());
            w.print(report.table());
            writeJson(report, w);
        }
        w.flush();
        return 0;
    }

    /** A pix2pix checkpoint: its run's held-out pairs (the tenth of its data it never trained on), measured. */
    private static Integer heldOut(PrintWriter w, Sampler g) {
        Pix2PixEval.HeldOut h = Pix2PixEval.ofCheckpoint(g);
        boolean digits = Pix2PixEval.digits(g.manifest().config());
        w.printf("pix2pix %s (step %d): %s%n", g.checkpoint(), g.manifest().step(), h.eval().describe());
        w.printf("protocol: the last tenth of %s (pairs %d..%d, never trained on); L1 and PSNR on the [0, 1] scale after"
                + " quantising to bytes%s%n", h.description(), h.first(), h.count() - 1,
                digits ? "; class agreement and FCD with jgan's mnist classifier (jgan-lenet-128 v1)" : "");
        return 0;
    }

    private Integer calibrate(PrintWriter w) {
        String d = domain != null ? domain : "mnist";
        try (ClassifierBundle bundle = classifier != null ? ClassifierBundle.load(classifier) : ClassifierBundle.shipped(d)) {
            List<Calibration.Row> rows = Calibration.run(bundle, data, seed);
            w.print(Calibration.markdown(rows));
            writeJson(rows, w);
        }
        w.flush();
        return 0;
    }

    private void writeJson(Object value, PrintWriter w) {
        if (json == null) {
            return;
        }
        try {
            if (json.toString().equals("-")) {
                w.println(Json.MAPPER.writeValueAsString(value));
            } else {
                Files.write(json, Json.MAPPER.writeValueAsBytes(value));
            }
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write " + json + ": " + e.getMessage());
        }
        w.flush();
    }
}
