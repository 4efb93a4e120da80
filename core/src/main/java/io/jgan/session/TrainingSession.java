package io.jgan.session;

import io.jgan.JganException;
import io.jgan.checkpoint.RunFolder;
import io.jgan.config.DataConfig;
import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.config.RunSchedule;
import io.jgan.data.ImageSet;
import io.jgan.data.PairedData;
import io.jgan.data.Samples;
import io.jgan.data.TrainingData;
import io.jgan.eval.ClassifierBuilder;
import io.jgan.eval.ClassifierBundle;
import io.jgan.eval.EvalInputs;
import io.jgan.eval.EvalListener;
import io.jgan.model.Family;
import io.jgan.pix2pix.HeldOutListener;
import io.jgan.pix2pix.Pix2PixEval;
import io.jgan.pix2pix.Pix2PixGame;
import io.jgan.train.Checkpointer;
import io.jgan.train.DataParallel;
import io.jgan.train.Game;
import io.jgan.train.GanGame;
import io.jgan.train.GridListener;
import io.jgan.train.HealthListener;
import io.jgan.train.MetricsListener;
import io.jgan.train.ProgressListener;
import io.jgan.train.Resume;
import io.jgan.train.StepRecord;
import io.jgan.train.TensorBoardListener;
import io.jgan.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A training run with everything {@code jgan train} writes, new or resumed, for every family: the
 * one library entry behind the command. It reads the data the config names, shapes the model to
 * it, builds the family's game, the run folder and the standard listeners (progress, metrics.csv
 * and training.png, TensorBoard, health warnings, grids and progress.gif, --eval-every, pix2pix's
 * held-out measurement), checkpoints, and on a resume restores all of it from the checkpoint.
 *
 * <pre>
 * try (TrainingSession s = TrainingSession.start(config, false, options)) {
 *     s.header().forEach(System.out::println);
 *     TrainingSession.Summary done = s.run();
 * }
 * </pre>
 */
public final class TrainingSession implements AutoCloseable {

    /**
     * How a session writes and reports.
     *
     * @param out the run folder of a new run, or null for {@code runs/<time>-<model>}
     * @param progress whether to show a progress bar
     * @param tensorboard whether to write TensorBoard event files
     * @param warnings where training-health warnings go
     * @param onSignal told on the first SIGINT or SIGTERM (the run then stops gracefully after its
     *     step); null to leave signals to the JVM
     * @param parallel the ranks of a data-parallel job, or {@link DataParallel#single()}
     * @param syncBatchNorm with data parallelism: batch norm over the global batch
     */
    public record Options(Path out, boolean progress, boolean tensorboard, PrintWriter warnings,
            Consumer<String> onSignal, DataParallel parallel, boolean syncBatchNorm) {

        /**
         * One process, no data parallelism.
         *
         * @param out the run folder of a new run, or null for {@code runs/<time>-<model>}
         * @param progress whether to show a progress bar
         * @param tensorboard whether to write TensorBoard event files
         * @param warnings where training-health warnings go
         * @param onSignal told on the first SIGINT or SIGTERM; null to leave signals to the JVM
         */
        public Options(Path out, boolean progress, boolean tensorboard, PrintWriter warnings,
                Consumer<String> onSignal) {
            this(out, progress, tensorboard, warnings, onSignal, DataParallel.single(), false);
        }

        /**
         * These options for one rank of a data-parallel job. Only rank 0 writes the run folder,
         * the logs and the checkpoints, and only it shows progress.
         *
         * @param dp the ranks
         * @param syncBn whether batch norm uses the global batch's statistics
         * @return the options
         */
        public Options inParallel(DataParallel dp, boolean syncBn) {
            return new Options(out, progress && dp.leader(), tensorboard, warnings, onSignal, dp, syncBn);
        }

        /**
         * What a library user usually wants: no progress bar, TensorBoard files, warnings on
         * standard error, signals left to the JVM.
         *
         * @param out the run folder of a new run, or null for {@code runs/<time>-<model>}
         * @return the options
         */
        public static Options quiet(Path out) {
            return new Options(out, false, true, new PrintWriter(System.err, true), null);
        }
    }

    /**
     * What a finished {@link #run} did.
     *
     * @param ending completed, or interrupted by a signal (checkpointed, resumable)
     * @param run the run folder
     * @param firstStep the step it started from
     * @param step the step it ended at
     * @param seconds wall time of the training
     * @param last the last step's record, or null if no step ran
     * @param heldOut pix2pix's held-out measurement at the end, or null
     */
    public record Summary(Trainer.Ending ending, RunFolder run, long firstStep, long step, double seconds,
            StepRecord last, Pix2PixEval heldOut) {

        /** @return iterations done in this session */
        public long iterations() {
            return step - firstStep;
        }

        /**
         * What to tell the user at the end: how long it took, the last step's numbers (pix2pix: the
         * held-out measurement), what was written; after a signal, how to go on.
         *
         * @param tensorboard whether event files were written
         * @return the lines
         */
        public List<String> lines(boolean tensorboard) {
            Path dir = run.dir();
            if (ending == Trainer.Ending.INTERRUPTED) {
                return List.of(String.format("jgan: stopped at step %d; resume with `jgan train --resume %s`", step, dir));
            }
            double msPerIt = seconds * 1000 / Math.max(1, iterations());
            if (heldOut != null) { // image to image
                return List.of(String.format(Locale.ROOT, "jgan: %d iterations in %.1f s (%.1f ms/it)", iterations(),
                        seconds, msPerIt), "jgan: " + heldOut.describe(),
                        String.format("jgan: wrote %s (grids/: input, output, target rows; metrics.csv, eval.json,"
                                + " checkpoints/%s)", dir, tensorboard ? ", tensorboard/" : ""));
            }
            return List.of(String.format(Locale.ROOT, "jgan: %d iterations in %.1f s (%.1f ms/it); step %d alone: lossD"
                    + " %.3f lossG %.3f D(x) %.3f D(G(z)) %.3f", iterations(), seconds, msPerIt, last.step(),
                    last.lossD(), last.lossG(), last.dReal(), last.dFake()),
                    String.format("jgan: wrote %s (grids/, progress.gif, training.png, metrics.csv, checkpoints/%s)", dir,
                            tensorboard ? ", tensorboard/: tensorboard --logdir " + dir.getParent() : ""));
        }
    }

    private final Trainer trainer;
    private final RunFolder run;
    private final Options options;
    private final ClassifierBundle quality; // --eval-every's classifier, or null
    private final String dataDescription;
    private final Resume from; // null for a new run
    private MetricsListener metrics;
    private HeldOutListener heldOut;

    private TrainingSession(Trainer trainer, RunFolder run, Options options, ClassifierBundle quality,
            String dataDescription, Resume from) {
        this.trainer = trainer;
        this.run = run;
        this.options = options;
        this.quality = quality;
        this.dataDescription = dataDescription;
        this.from = from;
    }

    /**
     * A new run. The data fixes the model's image shape (channels, height, width) and, for a
     * conditional model, its classes; a run that cannot start leaves no folder behind.
     *
     * @param requested the config as asked for (its model's image shape is the preset's)
     * @param conditional whether G and D see the data's class labels
     * @param options how to write and report
     * @return the session, ready to {@link #run}
     * @throws JganException for bad settings or data
     */
    public static TrainingSession start(GanConfig requested, boolean conditional, Options options) {
        Family.validate(requested); // the flags first: a typo is reported before any data is read
        RunData data = RunData.read(requested);
        GanConfig config = requested;
        if (data.pairs() != null) {
            ImageSet in = data.pairs().inputs();
            config = requested.withModel(requested.model().shaped(in.channels(), in.rows(), in.cols(), 0));
        } else if (data.images() != null) {
            if (requested.data().clustered()) { // --clusters auto: the config records the count the data gave
                config = requested.withData(requested.data().withClusters(data.images().classes().size()));
            }
            config = config.withModel(shapedTo(requested.model(), data.images(), conditional,
                    requested.data().clustered()));
        } // the toy's drawn samples: its model is the preset's
        return open(Family.validate(config), data, options, null);
    }

    /**
     * A new run of a game built by the caller, on data of the caller's (a library user's own
     * pairs or samples): the same folder, listeners and checkpoints as {@link #start}.
     *
     * @param config the validated config the game was built for
     * @param game the game; the session closes it
     * @param options how to write and report
     * @return the session, ready to {@link #run}
     */
    public static TrainingSession of(GanConfig config, Game game, Options options) {
        return create(config, game, null, "the caller's data", options, null);
    }

    /**
     * A run resumed from its newest checkpoint (or a given one), exactly as if it had not stopped:
     * its own model, data and recipe, and its schedule with the caller's change.
     *
     * @param runOrCheckpoint the run folder, or one of its checkpoints
     * @param schedule the change to its schedule (longer, other cadences)
     * @param options how to report ({@code out} is ignored: the run's own folder is used)
     * @return the session, ready to {@link #run} (or {@link #complete})
     */
    public static TrainingSession resume(Path runOrCheckpoint, UnaryOperator<RunSchedule> schedule, Options options) {
        Resume from = Resume.from(runOrCheckpoint);
        GanConfig config = Family.validate(from.config(schedule));
        return open(config, RunData.read(config), options, from);
    }

    /**
     * What a run trains on, read once: image pairs (image to image), images with their labels, or
     * the toy's samples, drawn rather than read. Exactly one is set.
     */
    private record RunData(PairedData pairs, TrainingData.LabelledImages images, Samples drawn) {

        static RunData read(GanConfig config) {
            if (Family.of(config.model()).imageToImage()) {
                return new RunData(PairedData.of(config.data()), null, null);
            }
            if (DataConfig.GAUSSIAN.equals(config.data().source())) {
                return new RunData(null, null,
                        TrainingData.load(config.data(), config.model(), config.train().seed()));
            }
            return new RunData(null, TrainingData.read(config.data()), null);
        }
    }

    /** The game for a config shaped to its data, and --eval-every's classifier when the data has images. */
    private static TrainingSession open(GanConfig config, RunData data, Options options, Resume from) {
        DataParallel dp = options.parallel();
        if (data.pairs() != null && dp.active()) {
            throw new JganException(JganException.USAGE, "data-parallel training (--nproc, --nnodes, WORLD_SIZE) covers"
                    + " the noise-to-image GANs (mlp, mlp-bn, dcgan, conditional, the toy); train pix2pix in one process");
        }
        if (data.pairs() != null) {
            return create(config, new Pix2PixGame(config, data.pairs()), null, data.pairs().description(), options,
                    from);
        }
        if (data.drawn() != null) {
            return create(config, new GanGame(config, data.drawn(), dp, options.syncBatchNorm()), null,
                    data.drawn().description(), options, from);
        }
        if (from != null) {
            requireSameClusters(config.model(), data.images());
        }
        Samples samples = TrainingData.samples(data.images(), config.model());
        ClassifierBundle quality = dp.leader() ? qualityClassifier(config, data.images()) : null;
        try {
            return create(config, new GanGame(config, samples, dp, options.syncBatchNorm()), quality,
                    samples.description(), options, from);
        } catch (RuntimeException e) {
            if (quality != null) {
                quality.close();
            }
            throw e;
        }
    }

    private static TrainingSession create(GanConfig config, Game game, ClassifierBundle quality, String description,
            Options options, Resume from) {
        Trainer trainer = new Trainer(config, game).dataParallel(options.parallel());
        try {
            boolean leader = options.parallel().leader();
            RunFolder run = from != null ? from.run()
                    : leader ? RunFolder.create(options.out(), config.model().family()) : null; // rank 0 writes
            TrainingSession s = new TrainingSession(trainer, run, options, quality, description, from);
            if (leader) {
                s.addListeners();
            } else if (options.onSignal() != null) {
                trainer.stopGracefullyOnSignals(signal -> { }); // rank 0 tells the user
            }
            if (from != null) {
                from.restore(trainer); // state, step, and the listeners' logs as of the checkpoint
            }
            return s;
        } catch (RuntimeException e) {
            trainer.close();
            throw e;
        }
    }

    /**
     * A model reshaped to the images it will train on: their channels and size, and for a
     * conditional model their classes.
     *
     * @param m the model as asked for (its image shape is the preset's)
     * @param images the training images
     * @param conditional whether G and D see the images' class labels
     * @param clustered whether those labels are k-means clusters ({@code --clusters}, a
     *     self-conditioned model, whose config then keeps the clusters' shares)
     * @return the model
     * @throws JganException (usage) for a conditional model of images without labels
     */
    public static ModelConfig shapedTo(ModelConfig m, TrainingData.LabelledImages images, boolean conditional,
            boolean clustered) {
        ImageSet s = images.images();
        if (clustered) { // self-conditioned: the labels are clusters (TrainingData.read), kept with their shares
            int k = images.classes().size();
            int[] count = new int[k];
            for (byte y : images.labels()) {
                count[y & 0xff]++;
            }
            List<Double> shares = new ArrayList<>();
            for (int c : count) {
                shares.add(Math.round(1e6 * c / s.count()) / 1e6); // 6 decimals: config.json stays readable
            }
            return m.shaped(s.channels(), s.rows(), s.cols(), 0).withClusterShares(shares);
        }
        int classes = 0;
        if (conditional) {
            if (images.labels() == null) {
                throw new JganException(JganException.USAGE, "--conditional needs class labels, and "
                        + images.description() + " has none: use IDX data with its labels file, or an image"
                        + " folder with one subfolder per class");
            }
            classes = images.classes().size();
        }
        return m.shaped(s.channels(), s.rows(), s.cols(), classes);
    }

    /**
     * A resumed self-conditioned run's clusters, found again on its data, must be the ones it was
     * trained on: their shares are checked against the config's (a new run's config was just
     * made from them).
     */
    private static void requireSameClusters(ModelConfig m, TrainingData.LabelledImages images) {
        if (!m.selfConditioned()) {
            return;
        }
        ModelConfig found = shapedTo(m, images, true, true);
        if (!found.clusterShares().equals(m.clusterShares())) {
            throw new JganException(JganException.BAD_DATA, "the run's " + m.classes() + " clusters are not those of "
                    + images.description() + " (their shares differ from config.json's): the data changed since the"
                    + " run started; give the run its own data again, or start a new run");
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

    /** The run's listeners, in the order they see each step, and its checkpointer. */
    private void addListeners() {
        GanConfig config = trainer.config();
        RunSchedule s = config.schedule();
        boolean pix2pix = Family.of(config.model()).imageToImage();
        if (options.progress()) {
            trainer.addListener(new ProgressListener());
        }
        metrics = new MetricsListener(run.metrics(), run.dir().resolve("training.png"));
        trainer.addListener(metrics);
        TensorBoardListener tensorboard = options.tensorboard()
                ? new TensorBoardListener(run.dir().resolve("tensorboard"), s.checkpointEvery()) : null;
        if (tensorboard != null) {
            trainer.addListener(tensorboard);
        }
        if (!pix2pix) { // its warnings are about noise-to-image games
            trainer.addListener(new HealthListener(options.warnings()));
        }
        trainer.addListener(new GridListener(run.grids(), run.dir().resolve("progress.gif"), s.gridEvery(),
                s.gridScale(), tensorboard == null ? null : tensorboard::grid));
        if (quality != null) {
            trainer.addListener(new EvalListener(quality, s.evalEvery(), s.evalSamples(), run.dir().resolve("eval.csv"),
                    run.dir().resolve("eval.png"), tensorboard));
        }
        if (pix2pix) {
            heldOut = new HeldOutListener((Pix2PixGame) trainer.game(), run.dir().resolve("eval.json"));
            trainer.addListener(heldOut);
        }
        trainer.checkpointTo(new Checkpointer(run.checkpoints(), s.checkpointEvery(), s.keepCheckpoints()));
        if (options.onSignal() != null) {
            trainer.stopGracefullyOnSignals(options.onSignal());
        }
    }

    /** @return whether a resumed run is already at the end of its schedule (nothing to train) */
    public boolean complete() {
        return trainer.step() >= trainer.totalSteps();
    }

    /** @return the lines that introduce the run: what trains, on what, how long, where it writes */
    public List<String> header() {
        GanConfig config = trainer.config();
        List<String> lines = new ArrayList<>();
        if (from != null) {
            lines.add(String.format("jgan: resuming %s from %s (step %d, epoch %d)", run.dir(),
                    from.checkpoint().getFileName(), trainer.step(), trainer.epoch()));
        }
        if (Family.of(config.model()).imageToImage()) {
            Pix2PixGame game = (Pix2PixGame) trainer.game();
            lines.add(String.format(Locale.ROOT, "jgan: pix2pix, U-Net G %,d and PatchGAN D %,d parameters, on %s: %d to"
                    + " train, %d held out", trainer.generator().parameterCount(),
                    trainer.discriminator().parameterCount(), dataDescription, game.trainCount(),
                    game.pairs().inputs().count() - game.trainCount()));
            lines.add(String.format(Locale.ROOT, "jgan: %d iterations (batch %d, lambda %.0f), writing %s",
                    trainer.totalSteps(), config.train().batchSize(), config.train().l1Weight(), run.dir()));
        } else {
            lines.add(String.format(Locale.ROOT, "jgan: %s GAN, G %,d and D %,d parameters, on %s",
                    config.model().family(), trainer.generator().parameterCount(),
                    trainer.discriminator().parameterCount(), dataDescription));
            lines.add(String.format(Locale.ROOT, "jgan: %d epochs x %d iterations (batch %d), writing %s",
                    config.schedule().epochs(), trainer.iterationsPerEpoch(), config.train().batchSize(), run.dir()));
        }
        return lines;
    }

    /**
     * Trains: writes {@code config.json}, then runs the loop to the schedule's end or a signal.
     *
     * @return what it did
     */
    public Summary run() {
        if (metrics != null) { // rank 0, or the only process
            run.writeConfig(trainer.config());
        }
        long first = trainer.step();
        long t0 = System.nanoTime();
        Trainer.Ending ending = trainer.fit();
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<StepRecord> history = metrics == null ? List.of() : metrics.history();
        StepRecord last = history.isEmpty() ? null : history.get(history.size() - 1);
        return new Summary(ending, run, first, trainer.step(), seconds, last, heldOut == null ? null : heldOut.result());
    }

    /** @return the loop (for library users who add listeners of their own before {@link #run}) */
    public Trainer trainer() {
        return trainer;
    }

    /** @return how this session writes and reports, and its ranks */
    public Options options() {
        return options;
    }

    /** @return the run folder */
    public RunFolder folder() {
        return run;
    }

    @Override
    public void close() {
        trainer.close();
        if (quality != null) {
            quality.close();
        }
    }
}
