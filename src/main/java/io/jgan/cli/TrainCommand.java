package io.jgan.cli;

import io.jgan.JganException;
import io.jgan.config.DataConfig;
import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.config.Presets;
import io.jgan.config.RunSchedule;
import io.jgan.config.TrainConfig;
import io.jgan.data.Samples;
import io.jgan.data.TrainingData;
import io.jgan.eval.ClassifierBuilder;
import io.jgan.eval.ClassifierBundle;
import io.jgan.eval.EvalInputs;
import io.jgan.eval.EvalListener;
import io.jgan.io.CheckpointManifest;
import io.jgan.io.RunFolder;
import io.jgan.train.Checkpointer;
import io.jgan.train.GanTrainer;
import io.jgan.train.GridListener;
import io.jgan.train.HealthListener;
import io.jgan.train.MetricsListener;
import io.jgan.train.ProgressListener;
import io.jgan.train.Resume;
import io.jgan.train.StepRecord;
import io.jgan.train.TensorBoardListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** {@code jgan train}: train a GAN and write a run folder. Defaults reproduce the tutorial. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Train a GAN (with no options: the MLP GAN of 'GANs from Scratch 1' by Diego Gomez Mosquera).",
            "With no options: the vanilla MLP GAN on the embedded 10,000 MNIST digits, Adam 2e-4, batch 100, BCE with"
                + " the non-saturating G loss.",
            "Writes a run folder (default runs/<time>-<model>): metrics.csv, training.png, grids/, progress.gif,"
                + " checkpoints/, and TensorBoard event files in tensorboard/ (watch them with"
                + " `tensorboard --logdir runs`)."
        })
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "NAME",
            description = "mlp (the MLP GAN of 'GANs from Scratch 1', default), mlp-bn (the BatchNorm generator"
                    + " of the GAN course: z of 10, data in [0,1], lr 1e-5, batch 128)"
                    + ", dcgan (convolutional, batch norm; Adam 2e-4 beta1 0.5, batch 128; sides 28, 32, 64)"
                    + " or pix2pix (image to image: U-Net G, PatchGAN D, + 100 x L1; default data: sketch to digit)")
    String model = "mlp";

    @Option(names = "--data", paramLabel = "DIR",
            description = "folder with MNIST-layout IDX files (train-images-idx3-ubyte[.gz]) or PNG/JPEG images"
                    + " (class subfolders give labels); default: the embedded digits")
    Path data;

    @Option(names = "--image-size", paramLabel = "N",
            description = "image folders: resize (shorter side) and centre-crop every image to NxN (default: keep; sizes must agree)")
    int imageSize;

    @Option(names = "--channels", paramLabel = "C", description = "image folders: 1 (gray) or 3 (RGB) (default: 1 if all are gray)")
    int channels;

    @Option(names = "--limit", paramLabel = "N", description = "use only the first N samples (0 = all)")
    int limit;

    @Option(names = "--batch-size", paramLabel = "N", description = "samples per batch (mlp 100, mlp-bn 128)")
    Integer batchSize;

    @Option(names = "--lr", paramLabel = "LR", description = "Adam learning rate of both networks (mlp 2e-4, mlp-bn 1e-5)")
    Double lr;

    @Option(names = "--lr-g", paramLabel = "LR", description = "generator learning rate (overrides --lr)")
    Double lrG;

    @Option(names = "--lr-d", paramLabel = "LR", description = "discriminator learning rate (overrides --lr)")
    Double lrD;

    @Option(names = "--beta1", paramLabel = "B", description = "Adam beta1 (default 0.9, PyTorch's)")
    Double beta1;

    @Option(names = "--conditional", description = "class-conditional GAN: G and D also see the one-hot label (the data's"
            + " classes: MNIST's digits, an image folder's subfolders); the grids show one row per class")
    boolean conditional;

    @Option(names = "--latent", paramLabel = "N", description = "noise size (mlp 100, mlp-bn 10)")
    Integer latent;

    @Option(names = "--d-steps", paramLabel = "K", description = "discriminator steps per generator step (default 1)")
    int dSteps = 1;

    @Option(names = "--real-label", paramLabel = "Y",
            description = "D's target for real samples; 0.9 = one-sided label smoothing (default 1)")
    double realLabel = 1.0;

    @Option(names = "--label-smoothing",
            description = "same as --real-label 0.9 (one-sided label smoothing, as in 'A Brief Introduction To GANs')")
    boolean labelSmoothing;

    @Option(names = "--loss", paramLabel = "NAME", description = "bce (non-saturating G, default), bce-saturating, lsgan (least squares), hinge or wgan-gp"
                    + " (Wasserstein, gradient penalty 10; the paper also uses --lr 1e-4 --beta1 0 --d-steps 5)")
    String loss = "bce";

    @Option(names = "--seed", paramLabel = "S", description = "random seed (default ${DEFAULT-VALUE})")
    // Default 1, not 0: with the tutorial's exact settings on the 10k digits, seed 0 falls into the
    // "D wins outright" failure by epoch 6 (D(G(z)) -> 0, G stuck on saturated noise) and never
    // recovers, while seeds 1 and 2 train like the PyTorch reference. Any seed may be chosen.
    long seed = 1;

    @Mixin
    ScheduleOptions schedule;

    @Option(names = "--ema", paramLabel = "DECAY",
            description = "keep an exponential moving average of G's weights (e.g. 0.999); grids, sample and eval use it (default 0: off)")
    double ema;

    @Option(names = "--direction", paramLabel = "AtoB|BtoA",
            description = "pix2pix, side-by-side pairs: translate the left half to the right (AtoB, default) or back")
    String direction = "AtoB";

    @Option(names = "--l1-weight", paramLabel = "LAMBDA",
            description = "pix2pix: weight of G's L1 term beside the adversarial loss (default 100)")
    Double l1Weight;

    @Option(names = "--out", paramLabel = "DIR", description = "run folder (default runs/<time>-<model>)")
    Path out;

    @Option(names = "--no-progress", description = "no progress bar (for logs and CI)")
    boolean noProgress;

    @Option(names = "--no-tensorboard", description = "no TensorBoard event files in RUN/tensorboard (written by default)")
    boolean noTensorboard;

    @Option(names = "--resume", paramLabel = "RUN",
            description = "continue RUN from its newest checkpoint, exactly as if it had not stopped"
                    + " (its own settings; --epochs or --max-steps may extend it)")
    Path resume;

    /** Options a resumed run may set besides the schedule's; every other one belongs to the run resumed. */
    private static final Set<String> RESUME_OPTIONS = Set.of("--resume", "--no-progress", "--no-tensorboard");

    @Override
    public Integer call() {
        if (ModelConfig.PIX2PIX.equals(model)) {
            return Pix2PixRun.train(this);
        }
        ParseResult given = spec.commandLine().getParseResult();
        for (String pix2pixOnly : List.of("--direction", "--l1-weight")) {
            if (given.hasMatchedOption(pix2pixOnly)) {
                throw new JganException(JganException.USAGE, pix2pixOnly + " applies to --model pix2pix only");
            }
        }
        if (resume != null) {
            return resume();
        }
        config().validate(); // flags first: a typo is reported before any data is read
        // Data and model next: a run that cannot start leaves no folder behind. The data fixes
        // the image shape (channels, height, width) of a new model.
        TrainingData.LabelledImages images = TrainingData.read(dataConfig());
        GanConfig config = config(images).validate();
        Samples samples = TrainingData.samples(images, config.model());
        try (ClassifierBundle quality = qualityClassifier(config, images);
                GanTrainer trainer = new GanTrainer(config, samples)) {
            RunFolder run = RunFolder.create(out, config.model().family());
            run.writeConfig(config);
            return train(trainer, run, samples, quality, null);
        }
    }

    private Integer resume() {
        Set<String> allowed = new HashSet<>(RESUME_OPTIONS);
        spec.mixins().get("schedule").options().forEach(o -> allowed.add(o.longestName()));
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (!allowed.contains(o.longestName())) {
                throw new JganException(JganException.USAGE, o.longestName() + " cannot be given with --resume: a"
                        + " resumed run keeps its own settings (see its config.json); start a new run to change them");
            }
        }
        Resume from = Resume.from(resume);
        CheckpointManifest manifest = from.manifest();
        Path runDir = from.runDir();
        ParseResult pr = spec.commandLine().getParseResult();
        if (manifest.config().model().imageToImage()) {
            return Pix2PixRun.resume(this, from, manifest.config().withSchedule(schedule.over(
                    manifest.config().schedule(), pr)).validate());
        }
        // the recipe, the model and the data stay the run's own: only its schedule can change
        GanConfig config = manifest.config().withSchedule(schedule.over(manifest.config().schedule(), pr)).validate();
        TrainingData.LabelledImages images = TrainingData.read(config.data());
        Samples samples = TrainingData.samples(images, config.model());
        try (ClassifierBundle quality = qualityClassifier(config, images);
                GanTrainer trainer = new GanTrainer(config, samples)) {
            from.restoreState(trainer);
            PrintWriter w = spec.commandLine().getOut();
            if (trainer.step() >= trainer.totalSteps()) {
                w.printf("jgan: %s is complete (step %d of %d): give more --epochs or --max-steps to go on%n", runDir,
                        trainer.step(), trainer.totalSteps());
                return 0;
            }
            w.printf("jgan: resuming %s from %s (step %d, epoch %d)%n", runDir, from.checkpoint().getFileName(),
                    trainer.step(), trainer.epoch());
            RunFolder run = new RunFolder(runDir);
            run.writeConfig(config);
            return train(trainer, run, samples, quality, from);
        }
    }

    /** The domain classifier for {@code --eval-every}, or null when it is off. */
    private static ClassifierBundle qualityClassifier(GanConfig config, TrainingData.LabelledImages images) {
        if (config.schedule().evalEvery() == 0) {
            return null;
        }
        ModelConfig m = config.model();
        if (m.channels() != 1 || m.height() != 28 || m.width() != 28) {
            throw new JganException(JganException.USAGE, "--eval-every needs 1x28x28 gray images (the quality"
                    + " classifiers know MNIST digits and Fashion-MNIST), but this data is " + m.channels() + "x"
                    + m.height() + "x" + m.width());
        }
        String domain = EvalInputs.detectDomain(config.data(), ClassifierBuilder.fingerprint(images.images()));
        if (domain == null) {
            throw new JganException(JganException.USAGE, "--eval-every: jgan has quality classifiers for the embedded"
                    + " MNIST digits and Fashion-MNIST, and this data is neither: train without --eval-every and use"
                    + " `jgan eval --domain ...` on samples");
        }
        return ClassifierBundle.shipped(domain);
    }

    /**
     * Adds the run's listeners and checkpointer, restores their logs on a resume, trains, and prints
     * the summary.
     */
    private Integer train(GanTrainer trainer, RunFolder run, Samples samples, ClassifierBundle quality, Resume from) {
        GanConfig config = trainer.config();
        TrainConfig t = config.train();
        RunSchedule s = config.schedule();
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "jgan: %s GAN, G %,d and D %,d parameters, on %s%n", config.model().family(),
                trainer.generator().parameterCount(), trainer.discriminator().parameterCount(), samples.description());
        w.printf(Locale.ROOT, "jgan: %d epochs x %d iterations (batch %d), writing %s%n", s.epochs(),
                trainer.iterationsPerEpoch(), t.batchSize(), run.dir());
        w.flush();
        if (!noProgress) {
            trainer.addListener(new ProgressListener());
        }
        MetricsListener metrics = new MetricsListener(run.metrics(), run.dir().resolve("training.png"));
        TensorBoardListener tensorboard = noTensorboard ? null
                : new TensorBoardListener(run.dir().resolve("tensorboard"), s.checkpointEvery());
        trainer.addListener(metrics);
        if (tensorboard != null) {
            trainer.addListener(tensorboard);
        }
        trainer.addListener(new HealthListener(spec.commandLine().getErr()))
                .addListener(new GridListener(run.grids(), run.dir().resolve("progress.gif"), s.gridEvery(), s.gridScale(),
                        tensorboard == null ? null : tensorboard::grid));
        if (quality != null) {
            trainer.addListener(new EvalListener(quality, s.evalEvery(), s.evalSamples(), run.dir().resolve("eval.csv"),
                    run.dir().resolve("eval.png"), tensorboard));
        }
        trainer.checkpointTo(new Checkpointer(run.checkpoints(), s.checkpointEvery(), s.keepCheckpoints()));
        if (from != null) {
            from.restoreFiles(trainer); // metrics.csv, eval.csv as of the checkpoint's step
        }
        long firstStep = trainer.step();
        long t0 = System.nanoTime();
        trainer.fit();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long done = trainer.step() - firstStep;
        StepRecord last = metrics.history().get(metrics.history().size() - 1);
        w.printf(Locale.ROOT, "jgan: %d iterations in %.1f s (%.1f ms/it); step %d alone: lossD %.3f lossG %.3f"
                + " D(x) %.3f D(G(z)) %.3f%n", done, seconds, seconds * 1000 / Math.max(1, done), last.step(), last.lossD(), last.lossG(),
                last.dReal(), last.dFake());
        w.printf("jgan: wrote %s (grids/, progress.gif, training.png, metrics.csv, checkpoints/%s)%n", run.dir(),
                tensorboard == null ? "" : ", tensorboard/: tensorboard --logdir " + run.dir().getParent());
        return 0;
    }

    /** Builds the config: the model's preset, then every option the user set. */
    GanConfig config() {
        GanConfig preset = Presets.forFamily(model, schedule.epochs);
        return config(preset.model().channels(), preset.model().height(), preset.model().width());
    }

    /** The config for a model shaped like the data that was read. */
    private GanConfig config(TrainingData.LabelledImages images) {
        GanConfig c = config(images.images().channels(), images.images().rows(), images.images().cols());
        if (!conditional) {
            return c;
        }
        if (images.labels() == null) {
            throw new JganException(JganException.USAGE, "--conditional needs class labels, and " + images.description()
                    + " has none: use IDX data with its labels file, or an image folder with one subfolder per class");
        }
        ModelConfig m = c.model();
        return new GanConfig(c.data(), new ModelConfig(m.family(), m.latentDim(), m.channels(), m.height(), m.width(),
                m.range(), images.classes().size()), c.train(), c.schedule());
    }

    private DataConfig dataConfig() {
        return new DataConfig(data != null ? data.toAbsolutePath().normalize().toString() : DataConfig.EMBEDDED, limit,
                0, 0, 0, imageSize, channels);
    }

    private GanConfig config(int c, int h, int w) {
        GanConfig preset = Presets.forFamily(model, schedule.epochs);
        ModelConfig pm = preset.model();
        TrainConfig pt = preset.train();
        ModelConfig m = new ModelConfig(model, latent != null ? latent : pm.latentDim(), c, h, w, pm.range());
        double lrBoth = lr != null ? lr : pt.lrG();
        TrainConfig t = pt.toBuilder()
                .batchSize(batchSize != null ? batchSize : pt.batchSize())
                .lrG(lrG != null ? lrG : lrBoth)
                .lrD(lrD != null ? lrD : lrBoth)
                .beta1(beta1 != null ? beta1 : pt.beta1())
                .dSteps(dSteps)
                .realLabel(labelSmoothing ? 0.9 : realLabel)
                .loss(loss)
                .seed(seed)
                .emaDecay(ema)
                .build();
        return new GanConfig(dataConfig(), m, t, schedule.schedule());
    }
}
