package io.jgan.cli;

import io.jgan.JganException;
import io.jgan.config.DataConfig;
import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.config.Presets;
import io.jgan.config.RunSchedule;
import io.jgan.config.TrainConfig;
import io.jgan.data.PairedData;
import io.jgan.eval.ClassifierBundle;
import io.jgan.io.Json;
import io.jgan.io.RunFolder;
import io.jgan.pix2pix.Pix2PixEval;
import io.jgan.pix2pix.Pix2PixTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Model.OptionSpec;

/** {@code jgan train --model pix2pix}: image-to-image training, with the options that apply to it. */
final class Pix2PixRun {

    /** Default length: passes over the 9,000 training pairs of the digits demo (281 iterations each at batch 32). */
    static final int DEFAULT_EPOCHS = 4;

    /** train's options that mean nothing to pix2pix. */
    private static final Set<String> NOT_FOR_PIX2PIX = Set.of("--conditional", "--loss", "--ema", "--latent",
            "--d-steps", "--eval-every", "--eval-samples", "--real-label", "--label-smoothing", "--image-size");

    /** Where a pix2pix run keeps what its config does not say (the pairs' direction), for a resume. */
    static final String PAIRS_FILE = "pix2pix.json";

    private Pix2PixRun() {}

    static int train(TrainCommand c) {
        for (OptionSpec o : c.spec.commandLine().getParseResult().matchedOptions()) {
            if (NOT_FOR_PIX2PIX.contains(o.longestName())) {
                throw new JganException(JganException.USAGE, o.longestName() + " does not apply to --model pix2pix"
                        + (o.longestName().equals("--image-size") ? " (its pairs are used at their own size: 28, 32 or 64)"
                        : ""));
            }
        }
        if (!c.direction.equals("AtoB") && !c.direction.equals("BtoA")) {
            throw new JganException(JganException.USAGE, "unknown --direction '" + c.direction + "': use AtoB or BtoA");
        }
        boolean epochsGiven = c.spec.commandLine().getParseResult().hasMatchedOption("--epochs");
        GanConfig preset = Presets.pix2pix(epochsGiven ? c.schedule.epochs : DEFAULT_EPOCHS);
        TrainConfig pt = preset.train();
        double lr = c.lr != null ? c.lr : pt.lrG();
        TrainConfig t = pt.toBuilder().batchSize(c.batchSize != null ? c.batchSize : pt.batchSize())
                .lrG(c.lrG != null ? c.lrG : lr).lrD(c.lrD != null ? c.lrD : lr)
                .beta1(c.beta1 != null ? c.beta1 : pt.beta1()).seed(c.seed)
                .l1Weight(c.l1Weight != null ? c.l1Weight : pt.l1Weight()).build();
        RunSchedule s = c.schedule.schedule().toBuilder().epochs(epochsGiven ? c.schedule.epochs : DEFAULT_EPOCHS).build();
        t.validate();
        s.validate();
        // data first: a run that cannot start leaves no folder behind
        PairedData pairs = c.data == null ? PairedData.digitSketches(c.limit)
                : PairedData.read(c.data, c.direction, c.channels, c.limit);
        ModelConfig m = new ModelConfig(ModelConfig.PIX2PIX, 0, pairs.inputs().channels(), pairs.inputs().rows(),
                pairs.inputs().cols(), preset.model().range());
        DataConfig d = new DataConfig(c.data != null ? c.data.toAbsolutePath().normalize().toString() : DataConfig.EMBEDDED,
                c.limit, 0, 0, 0, 0, c.channels);
        GanConfig config = new GanConfig(d, m, t, s).validate();
        try (Pix2PixTrainer trainer = new Pix2PixTrainer(config, pairs)) {
            RunFolder run = RunFolder.create(c.out, m.family());
            run.writeConfig(config);
            Files.write(run.dir().resolve(PAIRS_FILE), Json.MAPPER.writeValueAsBytes(java.util.Map.of("direction",
                    c.direction)));
            return fit(c, trainer, run, pairs);
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write the run's files: " + e.getMessage());
        }
    }

    /**
     * {@code jgan eval --checkpoint RUN} of a pix2pix run: its held-out pairs (the tenth of its
     * data it never trained on) translated by the checkpoint's G and measured.
     */
    static int evaluate(PrintWriter w, Path checkpoint) {
        io.jgan.train.Resume from = io.jgan.train.Resume.from(checkpoint);
        GanConfig config = from.manifest().config();
        PairedData pairs = pairs(config, from.runDir());
        int first = pairs.inputs().count() - Pix2PixTrainer.heldOutCount(pairs.inputs().count());
        if (first == pairs.inputs().count()) {
            throw new JganException(JganException.USAGE, "this run's data has fewer than 10 pairs, so none was held out"
                    + " to measure");
        }
        Pix2PixEval e;
        try (io.jgan.sample.Sampler g = io.jgan.sample.Sampler.load(from.checkpoint())) {
            e = measureHeldOut(pairs, config, g::translate);
        }
        boolean digits = config.data().source().equals(DataConfig.EMBEDDED);
        w.printf("pix2pix %s (step %d): %s%n", from.checkpoint(), from.manifest().step(), e.describe());
        w.printf("protocol: the last tenth of %s (pairs %d..%d, never trained on); L1 and PSNR on the [0, 1] scale after"
                + " quantising to bytes%s%n", pairs.description(), first, pairs.inputs().count() - 1,
                digits ? "; class agreement and FCD with jgan's mnist classifier (jgan-lenet-128 v1)" : "");
        return 0;
    }

    /** The pairs a run trained on, read again from its config (and its direction file). */
    static PairedData pairs(GanConfig config, Path runDir) {
        String direction = "AtoB";
        try {
            Path f = runDir.resolve(PAIRS_FILE);
            if (Files.isRegularFile(f)) {
                direction = Json.MAPPER.readTree(f.toFile()).path("direction").asText("AtoB");
            }
        } catch (IOException e) {
            throw new JganException(JganException.BAD_CHECKPOINT, "unreadable " + runDir.resolve(PAIRS_FILE) + ": "
                    + e.getMessage());
        }
        DataConfig d = config.data();
        return d.source().equals(DataConfig.EMBEDDED) ? PairedData.digitSketches(d.limit())
                : PairedData.read(Path.of(d.source()), direction, d.channels(), d.limit());
    }

    /** {@code jgan train --resume RUN} of a pix2pix run: from its newest checkpoint, exactly as if it had not stopped. */
    static int resume(TrainCommand c, io.jgan.train.Resume from, GanConfig config) {
        PairedData pairs = pairs(config, from.runDir());
        try (Pix2PixTrainer trainer = new Pix2PixTrainer(config, pairs)) {
            trainer.restore(from.checkpoint());
            PrintWriter w = c.spec.commandLine().getOut();
            if (trainer.step() >= trainer.totalSteps()) {
                w.printf("jgan: %s is complete (step %d of %d): give more --epochs or --max-steps to go on%n", from.runDir(),
                        trainer.step(), trainer.totalSteps());
                return 0;
            }
            w.printf("jgan: resuming %s from %s (step %d)%n", from.runDir(), from.checkpoint().getFileName(), trainer.step());
            RunFolder run = new RunFolder(from.runDir());
            run.writeConfig(config);
            io.jgan.io.Checkpoints.restoreFile(from.checkpoint(), run.dir().resolve("metrics.csv"));
            return fit(c, trainer, run, pairs);
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot restore the run's log: " + e.getMessage());
        }
    }

    private static int fit(TrainCommand c, Pix2PixTrainer trainer, RunFolder run, PairedData pairs) throws IOException {
        GanConfig config = trainer.config();
        TrainConfig t = config.train();
        PrintWriter w = c.spec.commandLine().getOut();
        w.printf(Locale.ROOT, "jgan: pix2pix, U-Net G %,d and PatchGAN D %,d parameters, on %s: %d to train, %d held"
                + " out%n", trainer.generator().parameterCount(), trainer.discriminator().parameterCount(),
                pairs.description(), trainer.trainCount(), pairs.inputs().count() - trainer.trainCount());
        w.printf(Locale.ROOT, "jgan: %d iterations (batch %d, lambda %.0f), writing %s%n", trainer.totalSteps(),
                t.batchSize(), t.l1Weight(), run.dir());
        w.flush();
        long first = trainer.step();
        long t0 = System.nanoTime();
        long[] lastPrint = {t0};
        trainer.fit(run.dir(), r -> {
            if (!c.noProgress && System.nanoTime() - lastPrint[0] > 10_000_000_000L) {
                w.printf(Locale.ROOT, "jgan: step %d/%d lossD %.3f lossG %.3f D(x) %.3f D(G(a)) %.3f%n", r.step(),
                        trainer.totalSteps(), r.lossD(), r.lossG(), r.dReal(), r.dFake());
                w.flush();
                lastPrint[0] = System.nanoTime();
            }
        }, !c.noTensorboard);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long done = trainer.step() - first;
        Pix2PixEval e = measure(trainer, config);
        Files.write(run.dir().resolve("eval.json"), Json.MAPPER.writeValueAsBytes(e));
        w.printf(Locale.ROOT, "jgan: %d iterations in %.1f s (%.1f ms/it)%n", done, seconds,
                seconds * 1000 / Math.max(1, done));
        w.println("jgan: " + e.describe());
        w.printf("jgan: wrote %s (grids/: input, output, target rows; metrics.csv, eval.json, checkpoints/%s)%n",
                run.dir(), c.noTensorboard ? "" : ", tensorboard/");
        return 0;
    }

    /** The held-out pairs through G, measured (with the digit classifier for the digits demo). */
    static Pix2PixEval measure(Pix2PixTrainer trainer, GanConfig config) {
        return measureHeldOut(trainer.pairs(), config, trainer::translate);
    }

    /**
     * The last tenth of a run's pairs (never trained on) through a translation, measured: L1 and
     * PSNR, and for the embedded digits class agreement and FCD.
     */
    static Pix2PixEval measureHeldOut(PairedData p, GanConfig config, java.util.function.BiFunction<float[], Integer,
            float[]> translate) {
        int first = p.inputs().count() - Pix2PixTrainer.heldOutCount(p.inputs().count());
        int n = p.inputs().count() - first;
        if (n == 0) {
            return new Pix2PixEval(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        int dim = config.model().dataDim();
        float[] a = Arrays.copyOfRange(io.jgan.data.TrainingData.scale(p.inputs(), config.model().range()), first * dim,
                p.inputs().count() * dim);
        byte[] b = Arrays.copyOfRange(p.targets().pixels(), first * dim, p.targets().count() * dim);
        byte[] labels = p.labels() == null ? null : Arrays.copyOfRange(p.labels(), first, p.labels().length);
        float[] out = translate.apply(a, n);
        boolean digits = config.data().source().equals(DataConfig.EMBEDDED);
        try (ClassifierBundle bundle = digits ? ClassifierBundle.shipped("mnist") : null) {
            return Pix2PixEval.measure(out, b, labels, config.model(), bundle);
        }
    }
}
