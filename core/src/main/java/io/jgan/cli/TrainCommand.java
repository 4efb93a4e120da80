package io.jgan.cli;

import io.jgan.JganException;
import io.jgan.config.DataConfig;
import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.model.Family;
import io.jgan.engine.ProcessGroup;
import io.jgan.engine.Torch;
import io.jgan.session.TrainingSession;
import io.jgan.train.DataParallel;
import io.jgan.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
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

    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "mlp",
            description = "mlp (the MLP GAN of 'GANs from Scratch 1', default), mlp-bn (the BatchNorm generator"
                    + " of the GAN course: z of 10, data in [0,1], lr 1e-5, batch 128)"
                    + ", dcgan (convolutional, batch norm; Adam 2e-4 beta1 0.5, batch 128; sides 28, 32, 64)"
                    + ", sngan (SNGAN's ResNet G and D: hinge loss, spectral norm, Adam 2e-4 betas 0 and 0.9, batch 64;"
                    + " sides 28, 32)"
                    + " or pix2pix (image to image: U-Net G, PatchGAN D, + 100 x L1; default data: sketch to digit)")
    String model;

    @Option(names = "--conditional", description = "class-conditional GAN: G and D also see the one-hot label (the data's"
            + " classes: MNIST's digits, an image folder's subfolders); the grids show one row per class")
    boolean conditional;

    @Option(names = "--clusters", paramLabel = "K|auto", description = "self-conditioned GAN (Liu et al. 2020, 'Diverse"
            + " Image Generation via Self-Conditioned GANs'): the images are grouped by k-means on their pixels into K"
            + " clusters (2..100; auto: one per 100 images), and G and D see the cluster as a conditional GAN sees the"
            + " class; no labels needed. Samples draw their cluster in its share of the data; the grids show one row"
            + " per cluster (default 0: off)")
    String clusters;

    @Option(names = "--latent", paramLabel = "N", description = "noise size (mlp 100, mlp-bn 10)")
    Integer latent;

    @Option(names = "--feature-maps", paramLabel = "N", description = "width of G and D: --model sngan's"
            + " maps in every block (default 64; the SNGAN paper's 128 to 256 need a GPU), --model dcgan's in G's last"
            + " and D's first layer, doubling inwards (default 32); cost grows with N squared")
    Integer featureMaps;

    @Option(names = "--d-feature-maps", paramLabel = "N", description = "D's width where it differs from G's"
            + " (--feature-maps); dcgan and sngan")
    Integer dFeatureMaps;

    @Mixin
    DataOptions data;

    @Mixin
    RecipeOptions recipe;

    @Mixin
    ScheduleOptions schedule;

    @Mixin
    ParallelOptions parallel;

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
    private static final Set<String> RESUME_OPTIONS = Set.of("--resume", "--no-progress", "--no-tensorboard",
            "--nproc", "--nnodes", "--node-rank", "--master", "--sync-bn", "--dist-timeout");

    /** Options that may differ between the ranks of one job (the others must be the same on all). */
    private static final Set<String> PER_RANK_OPTIONS = Set.of("--node-rank", "--no-progress");

    /** Options for noise-to-image models only. */
    private static final Set<String> NOT_FOR_IMAGE_TO_IMAGE = Set.of("--conditional", "--clusters", "--loss", "--ema", "--latent",
            "--feature-maps", "--d-feature-maps",
            "--d-steps", "--eval-every", "--eval-samples", "--real-label", "--label-smoothing", "--image-size", "--r1",
            "--r1-every", "--augment", "--augment-p", "--projection");

    /** Options for image-to-image models only. */
    private static final Set<String> IMAGE_TO_IMAGE_ONLY = Set.of("--direction", "--l1-weight");

    @Override
    public Integer call() {
        ParseResult given = spec.commandLine().getParseResult();
        ParallelOptions.Role role = parallel.role(System.getenv());
        if (role == ParallelOptions.Role.LAUNCHER) {
            if (resume == null) {
                check(given, Family.of(model));
                Family.validate(requested(Family.of(model))); // a typo is reported once, before any rank starts
            }
            return new WorkerLauncher(parallel, spec.root().commandLine().getParseResult().originalArgs(),
                    spec.commandLine().getErr()).run();
        }
        engine.apply();
        if (role == ParallelOptions.Role.SINGLE) {
            return command(given, DataParallel.single());
        }
        ProcessGroup.Rendezvous where = parallel.rendezvous(System.getenv());
        int threads = ParallelOptions.threadsPerRank(System.getenv(), Runtime.getRuntime().availableProcessors());
        if (threads > 0) {
            Torch.useThreads(threads);
        }
        try (DataParallel dp = DataParallel.over(ProcessGroup.join(where, settings(given, where.worldSize())),
                DataParallel.DEFAULT_BUCKET_BYTES)) {
            return command(given, dp);
        }
    }

    /**
     * What must be the same on every rank: the world size and every option given except the
     * per-rank ones, one {@code name=value} per line.
     */
    private static String settings(ParseResult given, int worldSize) {
        java.util.TreeMap<String, String> lines = new java.util.TreeMap<>();
        for (OptionSpec o : given.matchedOptions()) {
            if (!PER_RANK_OPTIONS.contains(o.longestName())) {
                lines.put(o.longestName(), String.valueOf((Object) o.getValue()));
            }
        }
        StringBuilder b = new StringBuilder("world size=" + worldSize);
        lines.forEach((k, v) -> b.append('\n').append(k).append('=').append(v));
        return b.toString();
    }

    private Integer command(ParseResult given, DataParallel dp) {
        if (resume != null) {
            return resume(given, dp);
        }
        Family family = Family.of(model);
        check(given, family);
        try (TrainingSession session = TrainingSession.start(requested(family), conditional,
                options(out).inParallel(dp, parallel.syncBatchNorm))) {
            return train(session);
        }
    }

    /**
     * --clusters' value (train and bench), refused beside --conditional: the clusters take the
     * labels' place.
     *
     * @param value as given: a number, auto, or null
     * @param conditional --conditional
     * @return the count, {@link DataConfig#AUTO_CLUSTERS}, or 0 when not given
     */
    static int clusters(String value, boolean conditional) {
        if (value == null) {
            return 0;
        }
        int k;
        if (value.equals("auto")) {
            k = DataConfig.AUTO_CLUSTERS;
        } else {
            try {
                k = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new JganException(JganException.USAGE, "--clusters takes a number of clusters (2.."
                        + DataConfig.MAX_CLUSTERS + "), auto, or 0 (off), got '" + value + "'");
            }
        }
        if (conditional && k != 0) {
            throw new JganException(JganException.USAGE, "--clusters conditions on k-means clusters in place of the"
                    + " data's labels: give --conditional (the labels) or --clusters K (no labels), not both");
        }
        return k;
    }

    /** Options that do not apply to the family. */
    private void check(ParseResult given, Family family) {
        Presets.check(recipe.preset, model);
        int k = clusters(clusters, conditional); // refused beside --conditional before anything else is read
        if (given.hasMatchedOption("--projection") && !conditional && k == 0) {
            throw new JganException(JganException.USAGE, Family.PROJECTION_NEEDS_CLASSES);
        }
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
    }

    private Integer resume(ParseResult given, DataParallel dp) {
        Set<String> allowed = new HashSet<>(RESUME_OPTIONS);
        spec.mixins().get("schedule").options().forEach(o -> allowed.add(o.longestName()));
        for (OptionSpec o : given.matchedOptions()) {
            if (!allowed.contains(o.longestName())) {
                throw new JganException(JganException.USAGE, o.longestName() + " cannot be given with --resume: a"
                        + " resumed run keeps its own settings (see its config.json); start a new run to change them");
            }
        }
        try (TrainingSession session = TrainingSession.resume(resume, saved -> schedule.over(saved, given),
                options(null).inParallel(dp, parallel.syncBatchNorm))) {
            if (!dp.leader()) {
                return session.complete() ? 0 : quietly(session);
            }
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

    /** A rank other than 0: trains, prints nothing (rank 0 reports for the job). */
    private static Integer quietly(TrainingSession session) {
        return session.run().ending() == Trainer.Ending.INTERRUPTED ? JganException.STOPPED : 0;
    }

    /** Trains and prints the summary: the numbers of the last step and what was written. */
    private Integer train(TrainingSession session) {
        if (session.folder() == null) {
            return quietly(session);
        }
        PrintWriter w = spec.commandLine().getOut();
        session.header().forEach(w::println);
        w.flush();
        TrainingSession.Summary done = session.run();
        done.lines(!noTensorboard).forEach(w::println);
        DataParallel dp = session.options().parallel();
        if (dp.active() && done.seconds() > 0) {
            long[] buckets = dp.bucketCounts();
            w.printf(java.util.Locale.ROOT, "jgan: %d ranks (batch %d each); rank 0 waited %.1f s for the others (%.1f%% of"
                    + " the training time); %d of %d gradient all-reduces started during the backward pass%n",
                    dp.size(), session.trainer().config().train().batchSize() / dp.size(), dp.communicationSeconds(),
                    100 * dp.communicationSeconds() / done.seconds(), buckets[1], buckets[0]);
        }
        return done.ending() == Trainer.Ending.INTERRUPTED ? JganException.STOPPED : 0;
    }

    /**
     * The config as asked for: the family's preset, then every option the user set. Its image
     * shape is the preset's until the data is read.
     */
    private GanConfig requested(Family family) {
        GanConfig preset = family.preset(family.defaultEpochs());
        return new GanConfig(data.config(family).withClusters(clusters(clusters, conditional)), requestedModel(model, preset.model(), latent, featureMaps,
                dFeatureMaps, recipe.projection), recipe.over(preset.train()), schedule.schedule(family.defaultEpochs()));
    }

    /**
     * The model as asked for, before the data gives it its image shape and classes (train and bench).
     *
     * @param family the family's id
     * @param preset the family's preset model
     * @param latent --latent, or null for the preset's
     * @param featureMaps --feature-maps, or null for the preset's
     * @param dFeatureMaps --d-feature-maps, or null for G's
     * @param projection --projection: a dcgan's G then takes the class through conditional batch
     *     norm, the projection D's partner
     * @return the model
     */
    static ModelConfig requestedModel(String family, ModelConfig preset, Integer latent, Integer featureMaps,
            Integer dFeatureMaps, boolean projection) {
        return new ModelConfig(family, latent != null ? latent : preset.latentDim(), preset.channels(), preset.height(),
                preset.width(), preset.range(), 0, featureMaps != null ? featureMaps : preset.featureMaps(),
                projection && Family.DCGAN.id().equals(family), dFeatureMaps != null ? dFeatureMaps : 0);
    }
}
