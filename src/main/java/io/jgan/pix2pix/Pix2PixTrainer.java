package io.jgan.pix2pix;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.jgan.JganException;
import io.jgan.Version;
import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.config.TrainConfig;
import io.jgan.data.PairedData;
import io.jgan.data.Permutation;
import io.jgan.data.TrainingData;
import io.jgan.io.CheckpointManifest;
import io.jgan.io.EventFile;
import io.jgan.io.Json;
import io.jgan.io.CheckpointSchema;
import io.jgan.io.Checkpoints;
import io.jgan.io.ImageGrid;
import io.jgan.io.NamedTensor;
import io.jgan.model.Generation;
import io.jgan.model.Network;
import io.jgan.train.GanTrainer;
import io.jgan.train.MetricsLog;
import io.jgan.train.Players;
import io.jgan.train.StepRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains pix2pix on paired images: the U-Net G and PatchGAN D of {@link io.jgan.model.UNet},
 * {@link Pix2PixStep} each iteration. The last tenth of the pairs (the embedded digits 9,000 to
 * 9,999 in the demo) is held out: never trained on, used for the grids and the measurements.
 *
 * <p>A run folder as the GAN families write it: {@code config.json}, {@code metrics.csv} (the
 * same columns, lossG including lambda x L1), {@code grids/step-N.png} with rows input, output,
 * target, and {@code checkpoints/} with G and D.
 */
public final class Pix2PixTrainer implements AutoCloseable {

    /** Pairs shown in each grid. */
    static final int GRID_PAIRS = 8;

    private final GanConfig config;
    private final NDManager root;
    private final Players players; // G, D and their optimisers
    private final Pix2PixStep step;
    private final PairedData pairs;
    private final int trainCount;
    private final NDArray inputs; // (trainCount, dataDim) in [-1, 1]
    private final NDArray targets;
    private final int iterationsPerEpoch;
    private final long totalSteps;
    private long stepsDone;

    /**
     * Builds the networks (initial weights seeded from the run's seed) and loads the pairs.
     *
     * @param config a validated pix2pix config whose model matches the pairs' shape
     * @param pairs the data; its last tenth is held out
     */
    public Pix2PixTrainer(GanConfig config, PairedData pairs) {
        this.config = config;
        this.pairs = pairs;
        TrainConfig t = config.train();
        ModelConfig m = config.model();
        int count = pairs.inputs().count();
        this.trainCount = count - heldOutCount(count);
        if (t.batchSize() > trainCount) {
            throw new JganException(JganException.USAGE, "--batch-size " + t.batchSize() + " is larger than the "
                    + trainCount + " training pairs");
        }
        this.root = NDManager.newBaseManager();
        this.players = Players.create(m, t, root);
        this.step = new Pix2PixStep(players.generator(), players.discriminator(), players.optimizerG(), players.optimizerD(),
                t.l1Weight());
        int dim = m.dataDim();
        this.inputs = root.create(Arrays.copyOf(TrainingData.scale(pairs.inputs(), m.range()), trainCount * dim),
                new Shape(trainCount, dim));
        this.targets = root.create(Arrays.copyOf(TrainingData.scale(pairs.targets(), m.range()), trainCount * dim),
                new Shape(trainCount, dim));
        this.iterationsPerEpoch = trainCount / t.batchSize();
        long all = (long) iterationsPerEpoch * config.schedule().epochs();
        this.totalSteps = config.schedule().maxSteps() > 0 ? Math.min(all, config.schedule().maxSteps()) : all;
    }

    /**
     * Pairs held out of training: a tenth, or none below 10 pairs.
     *
     * @param count all pairs
     * @return how many of the last ones are held out
     */
    public static int heldOutCount(int count) {
        return count >= 10 ? count / 10 : 0;
    }

    /**
     * Trains to the end of the schedule, writing the run folder.
     *
     * @param run the run folder (exists, empty but for config.json)
     * @param onStep progress, after every iteration
     * @throws JganException (exit 6) if a loss becomes NaN or infinite
     */
    public void fit(Path run, Consumer<StepRecord> onStep) {
        fit(run, onStep, false);
    }

    /**
     * Trains to the end of the schedule, writing the run folder, and with {@code tensorboard} also
     * TensorBoard event files in {@code run/tensorboard}: {@code loss/D}, {@code loss/G},
     * {@code loss/L1}, {@code D/real}, {@code D/fake}, {@code time/ms_per_iteration} every step,
     * the grid as {@code samples/translations}, the config as text.
     *
     * @param run the run folder
     * @param onStep progress, after every iteration
     * @param tensorboard whether to write event files
     */
    public void fit(Path run, Consumer<StepRecord> onStep, boolean tensorboard) {
        TrainConfig t = config.train();
        int gridEvery = config.schedule().gridEvery();
        int checkpointEvery = config.schedule().checkpointEvery();
        try {
            Files.createDirectories(run.resolve("grids"));
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write in " + run + ": " + e.getMessage());
        }
        try (MetricsLog log = new MetricsLog(run.resolve("metrics.csv"));
                EventFile events = tensorboard ? new EventFile(run.resolve("tensorboard")) : null) {
            if (events != null && stepsDone > 0) { // resumed: TensorBoard drops the killed session's later steps
                events.sessionStart(EventFile.now(), stepsDone + 1);
            }
            if (events != null) {
                events.text(EventFile.now(), stepsDone, "config", "```\n" + Json.MAPPER.writeValueAsString(config) + "\n```");
            }
            long lastFlush = System.nanoTime();
            while (stepsDone < totalSteps) {
                int epoch = (int) (stepsDone / iterationsPerEpoch) + 1;
                try (NDManager epochManager = root.newSubManager()) {
                    NDArray order = epochManager.create(Permutation.longs(trainCount, new Random(GanTrainer.mix(t.seed(), epoch))));
                    NDArray a = inputs.get(epochManager, new NDIndex("{}", order));
                    NDArray b = targets.get(epochManager, new NDIndex("{}", order));
                    int skip = (int) (stepsDone % iterationsPerEpoch); // > 0 only when resuming mid-epoch
                    for (int i = skip; i < iterationsPerEpoch && stepsDone < totalSteps; i++) {
                        long t0 = System.nanoTime();
                        Engine.getInstance().setRandomSeed(GanTrainer.mix(t.seed(), stepsDone + 1));
                        Pix2PixStep.Result r;
                        try (NDManager it = root.newSubManager()) {
                            long from = (long) i * t.batchSize();
                            r = step.run(a.get(it, new NDIndex("{}:{}", from, from + t.batchSize())),
                                    b.get(it, new NDIndex("{}:{}", from, from + t.batchSize())));
                        }
                        stepsDone++;
                        if (!Float.isFinite(r.lossD()) || !Float.isFinite(r.lossG())) {
                            throw new JganException(JganException.DIVERGED, "training diverged at step " + stepsDone
                                    + " (lossD " + r.lossD() + ", lossG " + r.lossG() + "): try a lower --lr");
                        }
                        StepRecord rec = new StepRecord(stepsDone, epoch, i + 1, r.lossD(), r.lossG(), r.dReal(),
                                r.dFake(), (System.nanoTime() - t0) / 1e6);
                        log.append(rec);
                        log.flush(); // the live view of jgan serve reads it
                        if (events != null) {
                            Map<String, Double> v = new LinkedHashMap<>();
                            v.put("loss/D", (double) r.lossD());
                            v.put("loss/G", (double) r.lossG());
                            v.put("loss/L1", (double) r.l1());
                            v.put("D/real", (double) r.dReal());
                            v.put("D/fake", (double) r.dFake());
                            v.put("time/ms_per_iteration", rec.millis());
                            events.scalars(EventFile.now(), stepsDone, v);
                        }
                        if ((gridEvery > 0 && stepsDone % gridEvery == 0) || stepsDone == totalSteps) {
                            Path grid = run.resolve("grids").resolve(String.format("step-%08d.png", stepsDone));
                            writeGrid(grid);
                            if (events != null) {
                                java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(grid.toFile());
                                events.image(EventFile.now(), stepsDone, "samples/translations", Files.readAllBytes(grid),
                                        img.getWidth(), img.getHeight(), img.getColorModel().getNumComponents());
                            }
                        }
                        if (events != null && (System.nanoTime() - lastFlush > 2_000_000_000L || stepsDone == totalSteps)) {
                            events.flush(); // a live run can be watched
                            lastFlush = System.nanoTime();
                        }
                        if ((checkpointEvery > 0 && stepsDone % checkpointEvery == 0) || stepsDone == totalSteps) {
                            log.flush();
                            checkpoint(run, List.of(run.resolve("metrics.csv")));
                        }
                        onStep.accept(rec);
                    }
                }
            }
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write in " + run + ": " + e.getMessage());
        }
    }

    /**
     * Restores G, D, both optimisers and the step from a checkpoint of this run, so that training
     * continues exactly as if it had never stopped (the data order and the random draws of each
     * step follow from the seed and the step).
     *
     * @param checkpointDir the checkpoint folder
     * @throws JganException (exit 4) if it does not fit this run
     */
    public void restore(Path checkpointDir) {
        CheckpointManifest m = Checkpoints.readManifest(checkpointDir);
        if (m.step() > totalSteps) {
            throw new JganException(JganException.USAGE, "checkpoint " + checkpointDir + " is at step " + m.step()
                    + ", beyond this run's " + totalSteps + " steps: give more --epochs or --max-steps");
        }
        try {
            players.restoreFrom(checkpointDir);
        } catch (IllegalArgumentException e) {
            throw new JganException(JganException.BAD_CHECKPOINT, "checkpoint " + checkpointDir + " does not fit this"
                    + " run: " + e.getMessage());
        }
        players.restoreStepCounts(m);
        stepsDone = m.step();
    }

    /** @return iterations done */
    public long step() {
        return stepsDone;
    }

    /** Rows: held-out inputs, G's outputs for them, their targets. */
    private void writeGrid(Path file) throws IOException {
        ModelConfig m = config.model();
        int n = Math.min(GRID_PAIRS, pairs.inputs().count());
        int first = pairs.inputs().count() - n; // the held-out end
        float[] a = slice(TrainingData.scale(pairs.inputs(), m.range()), first, n, m.dataDim());
        float[] b = slice(TrainingData.scale(pairs.targets(), m.range()), first, n, m.dataDim());
        float[] out = translate(a, n);
        float[] all = new float[3 * n * m.dataDim()];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(out, 0, all, a.length, out.length);
        System.arraycopy(b, 0, all, 2 * a.length, b.length);
        ImageGrid.writePng(file, ImageGrid.render(all, 3 * n, m.channels(), m.height(), m.width(), m.range(), n, 2,
                config.schedule().gridScale()));
    }

    /**
     * G on inputs, in inference mode (batch norm from its running statistics; dropout stays on,
     * as the paper samples).
     *
     * @param a (n, dataDim) in the model's pixel range
     * @param n how many
     * @return (n, dataDim) outputs
     */
    public float[] translate(float[] a, int n) {
        return Generation.translate(players.generator(), config.model(), a, n);
    }

    private void checkpoint(Path run, List<Path> files) {
        Map<String, List<NamedTensor>> parts = new LinkedHashMap<>();
        players.putInto(parts);
        CheckpointManifest manifest = new CheckpointManifest(CheckpointSchema.FORMAT, CheckpointSchema.FORMAT_VERSION,
                Version.CURRENT, Instant.now().toString(), stepsDone, (int) (stepsDone / iterationsPerEpoch) + 1,
                config.train().seed(), players.optimizerG().stepCount(), players.optimizerD().stepCount(), config, List.copyOf(parts.keySet()));
        Checkpoints.save(run.resolve("checkpoints"), manifest, parts, config.schedule().keepCheckpoints(), files);
    }

    static float[] slice(float[] all, int first, int n, int dim) {
        return Arrays.copyOfRange(all, first * dim, (first + n) * dim);
    }

    /** @return the run's config */
    public GanConfig config() {
        return config;
    }

    /** @return D */
    public Network discriminator() {
        return players.discriminator();
    }

    /** @return G */
    public Network generator() {
        return players.generator();
    }

    /** @return iterations per epoch */
    public int iterationsPerEpoch() {
        return iterationsPerEpoch;
    }

    /** @return the run's length in iterations */
    public long totalSteps() {
        return totalSteps;
    }

    /** @return the pairs trained on (the rest are held out) */
    public int trainCount() {
        return trainCount;
    }

    /** @return the data */
    public PairedData pairs() {
        return pairs;
    }

    @Override
    public void close() {
        root.close();
    }

    /** @return held-out inputs, in the model's pixel range */
    float[] heldOutInputs() {
        int h = pairs.inputs().count() - trainCount;
        return slice(TrainingData.scale(pairs.inputs(), config.model().range()), trainCount, h, config.model().dataDim());
    }
}
