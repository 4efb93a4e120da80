package io.jgan.cli;

import io.jgan.JganException;
import io.jgan.config.DataConfig;
import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.config.TrainConfig;
import io.jgan.model.Family;
import io.jgan.session.TrainingSession;
import io.jgan.train.StepRecord;
import io.jgan.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
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

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "mlp",
            description = "mlp (the MLP GAN of 'GANs from Scratch 1', default), mlp-bn (the BatchNorm generator"
                    + " of the GAN course: z of 10, data in [0,1], lr 1e-5, batch 128)"
                    + ", dcgan (convolutional, batch norm; Adam 2e-4 beta1 0.5, batch 128; sides 28, 32, 64)"
                    + " or pix2pix (image to image: U-Net G, PatchGAN D, + 100 x L1; default data: sketch to digit)")
    String model;

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
    String direction = DataConfig.A_TO_B;

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

    /** Options for noise-to-image models only. */
    private static final Set<String> NOT_FOR_IMAGE_TO_IMAGE = Set.of("--conditional", "--loss", "--ema", "--latent",
            "--d-steps", "--eval-every", "--eval-samples", "--real-label", "--label-smoothing", "--image-size");

    /** Options for image-to-image models only. */
    private static final Set<String> IMAGE_TO_IMAGE_ONLY = Set.of("--direction", "--l1-weight");

    @Override
    public Integer call() {
        ParseResult given = spec.commandLine().getParseResult();
        if (resume != null) {
            return resume(given);
        }
        Family family = Family.of(model);
        for (OptionSpec o : given.matchedOptions()) {
            String name = o.longestName();
            if (family.imageToImage() && NOT_FOR_IMAGE_TO_IMAGE.contains(name)) {
                throw new JganException(JganException.USAGE, name + " does not apply to --model " + model
                        + (name.equals("--image-size") ? " (its pairs are used at their own size: 28, 32 or 64)" : ""));
            }
            if (!family.imageToImage() && IMAGE_TO_IMAGE_ONLY.contains(name)) {
                throw new JganException(JganException.USAGE, name + " applies to --model pix2pix only");
            }
        }
        try (TrainingSession session = TrainingSession.start(requested(family), conditional, options(out))) {
            return train(session);
        }
    }

    private Integer resume(ParseResult given) {
        Set<String> allowed = new HashSet<>(RESUME_OPTIONS);
        spec.mixins().get("schedule").options().forEach(o -> allowed.add(o.longestName()));
        for (OptionSpec o : given.matchedOptions()) {
            if (!allowed.contains(o.longestName())) {
                throw new JganException(JganException.USAGE, o.longestName() + " cannot be given with --resume: a"
                        + " resumed run keeps its own settings (see its config.json); start a new run to change them");
            }
        }
        try (TrainingSession session = TrainingSession.resume(resume, saved -> schedule.over(saved, given),
                options(null))) {
            if (session.complete()) {
                spec.commandLine().getOut().printf("jgan: %s is complete (step %d of %d): give more --epochs or"
                        + " --max-steps to go on%n", session.folder().dir(), session.trainer().step(),
                        session.trainer().totalSteps());
                return 0;
            }
            return train(session);
        }
    }

    private TrainingSession.Options options(Path runFolder) {
        PrintWriter err = spec.commandLine().getErr();
        return new TrainingSession.Options(runFolder, !noProgress, !noTensorboard, err, signal -> {
            err.printf("%njgan: SIG%s: finishing this step and writing a checkpoint (a second signal stops at once)%n",
                    signal);
            err.flush();
        });
    }

    /** Trains and prints the summary: the numbers of the last step and what was written. */
    private Integer train(TrainingSession session) {
        PrintWriter w = spec.commandLine().getOut();
        session.header().forEach(w::println);
        w.flush();
        TrainingSession.Summary done = session.run();
        Path dir = done.run().dir();
        if (done.ending() == Trainer.Ending.INTERRUPTED) {
            w.printf("jgan: stopped at step %d; resume with `jgan train --resume %s`%n", done.step(), dir);
            return JganException.STOPPED;
        }
        double msPerIt = done.seconds() * 1000 / Math.max(1, done.iterations());
        StepRecord last = done.last();
        if (done.heldOut() != null) { // image to image
            w.printf(Locale.ROOT, "jgan: %d iterations in %.1f s (%.1f ms/it)%n", done.iterations(), done.seconds(),
                    msPerIt);
            w.println("jgan: " + done.heldOut().describe());
            w.printf("jgan: wrote %s (grids/: input, output, target rows; metrics.csv, eval.json, checkpoints/%s)%n",
                    dir, noTensorboard ? "" : ", tensorboard/");
            return 0;
        }
        w.printf(Locale.ROOT, "jgan: %d iterations in %.1f s (%.1f ms/it); step %d alone: lossD %.3f lossG %.3f"
                + " D(x) %.3f D(G(z)) %.3f%n", done.iterations(), done.seconds(), msPerIt, last.step(), last.lossD(),
                last.lossG(), last.dReal(), last.dFake());
        w.printf("jgan: wrote %s (grids/, progress.gif, training.png, metrics.csv, checkpoints/%s)%n", dir,
                noTensorboard ? "" : ", tensorboard/: tensorboard --logdir " + dir.getParent());
        return 0;
    }

    /**
     * The config as asked for: the family's preset, then every option the user set. Its image
     * shape is the preset's until the data is read.
     */
    private GanConfig requested(Family family) {
        GanConfig preset = family.preset(family.defaultEpochs());
        ModelConfig pm = preset.model();
        TrainConfig pt = preset.train();
        ModelConfig m = new ModelConfig(model, latent != null ? latent : pm.latentDim(), pm.channels(), pm.height(),
                pm.width(), pm.range());
        double lrBoth = lr != null ? lr : pt.lrG(); // --lr sets both; --lr-g and --lr-d each override it
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
                .l1Weight(l1Weight != null ? l1Weight : pt.l1Weight())
                .build();
        String source = data != null ? data.toAbsolutePath().normalize().toString() : DataConfig.EMBEDDED;
        DataConfig d = family.imageToImage() ? DataConfig.pairs(source, limit, channels, direction)
                : DataConfig.images(source, limit, imageSize, channels);
        return new GanConfig(d, m, t, schedule.schedule(family.defaultEpochs()));
    }
}
