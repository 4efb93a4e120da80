package io.jgan.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.jgan.JganException;
import io.jgan.checkpoint.CheckpointManifest;
import io.jgan.checkpoint.CheckpointSchema;
import io.jgan.checkpoint.Checkpoints;
import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.config.TrainConfig;
import io.jgan.data.Samples;
import io.jgan.engine.HostTensors;
import io.jgan.engine.Scalars;
import io.jgan.format.NamedTensor;
import io.jgan.loss.AdversarialLoss;
import io.jgan.model.Family;
import io.jgan.model.Generation;
import io.jgan.model.LatentNoise;
import io.jgan.model.Network;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The game of the tutorials (Goodfellow et al. 2014): G maps noise to samples, D tells them from
 * the data, {@link AdversarialStep} each iteration. Besides the two players it keeps G's weight
 * average (with --ema) and the fixed test noise the grids are drawn from.
 *
 * <p>Data columns: the samples (count, dataDim) in the model's pixel range and, for a
 * conditional GAN, their one-hot labels (count, classes).
 */
public final class GanGame extends TwoPlayerGame {

    private final GanConfig config;
    private final Network emaGenerator; // null without --ema
    private final FixedNoise fixedNoise;
    private final AdversarialStep adversarialStep;
    private final AdversarialLoss loss;

    /**
     * Builds the players (initial weights seeded from the run's seed), G's average, the fixed
     * noise, and the data in the engine.
     *
     * @param config the validated config
     * @param samples the training samples (their dim must match the model)
     */
    public GanGame(GanConfig config, Samples samples) {
        this(config, Setup.of(config, samples));
    }

    private GanGame(GanConfig config, Setup setup) {
        super(setup.root(), setup.players(), setup.columns(), setup.count(), setup.iterationsPerEpoch());
        this.config = config;
        TrainConfig train = config.train();
        ModelConfig model = config.model();
        Family family = Family.of(model);
        try {
            if (train.emaDecay() > 0) {
                this.emaGenerator = family.newGenerator(CheckpointSchema.GENERATOR_EMA, model, root());
                emaGenerator.copyFrom(players().generator().toTensors());
            } else {
                this.emaGenerator = null;
            }
            this.fixedNoise = new FixedNoise(model, train.fixedNoiseCount(), train.seed());
            this.loss = AdversarialLoss.of(train);
            this.adversarialStep = new AdversarialStep(players().generator(), players().discriminator(),
                    players().optimizerG(), players().optimizerD(), loss, model.latentDim(),
                    family.discriminatorIsPerSample(), model.classes());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The players and the data, built (in this order) before the game's own parts. */
    private record Setup(NDManager root, Players players, List<NDArray> columns, int count, int iterationsPerEpoch) {

        static Setup of(GanConfig config, Samples samples) {
            TrainConfig train = config.train();
            ModelConfig model = config.model();
            if (Family.of(model).imageToImage()) {
                throw new JganException(JganException.USAGE, "pix2pix trains on image pairs, not noise: use jgan train"
                        + " --model pix2pix (io.jgan.pix2pix.Pix2PixGame)");
            }
            if (samples.dim() != model.dataDim()) {
                throw new IllegalArgumentException("samples of dim " + samples.dim() + " for a model of dim "
                        + model.dataDim());
            }
            if (train.batchSize() > samples.count()) {
                throw new JganException(JganException.USAGE, "--batch-size " + train.batchSize() + " is larger than the"
                        + " data set (" + samples.count() + " samples): use a smaller batch or more data");
            }
            if (model.conditional() && samples.labels() == null) {
                throw new JganException(JganException.USAGE, "a conditional GAN needs class labels, and this data has"
                        + " none: use IDX data with its labels file, or an image folder with one subfolder per class");
            }
            NDManager root = NDManager.newBaseManager();
            try {
                Players players = Players.create(model, train, root);
                List<NDArray> columns = new ArrayList<>();
                columns.add(root.create(samples.values(), new Shape(samples.count(), samples.dim()))); // (count, dataDim)
                if (model.conditional()) {
                    columns.add(oneHot(root, samples, model.classes())); // (count, classes)
                }
                int batches = (samples.count() + train.batchSize() - 1) / train.batchSize();
                return new Setup(root, players, columns, samples.count(), Math.max(1, batches / train.dSteps()));
            } catch (RuntimeException e) {
                root.close();
                throw e;
            }
        }

        private static NDArray oneHot(NDManager root, Samples samples, int k) {
            float[] code = new float[samples.count() * k];
            for (int i = 0; i < samples.count(); i++) {
                int y = samples.labels()[i] & 0xff;
                if (y >= k) {
                    throw new JganException(JganException.BAD_DATA, "label " + y + " of sample " + i + " is outside the "
                            + k + " classes of this model");
                }
                code[i * k + y] = 1f;
            }
            return root.create(code, new Shape(samples.count(), k));
        }
    }

    /** k real batches (k = --d-steps), the adversarial step, then G's average. */
    @Override
    public Outcome play(NDManager it, List<NDArray> shuffled, int iteration) {
        int k = config.train().dSteps();
        int batchSize = config.train().batchSize();
        NDArray data = shuffled.get(0);
        NDArray labels = shuffled.size() > 1 ? shuffled.get(1) : null;
        List<NDArray> real = new ArrayList<>(k);
        List<NDArray> realLabels = labels == null ? null : new ArrayList<>(k);
        for (int b = 0; b < k; b++) {
            long from = (long) (iteration * k + b) * batchSize;
            long to = Math.min(from + batchSize, count());
            real.add(data.get(it, new NDIndex("{}:{}", from, to))); // (<= batchSize, dataDim), a view
            if (realLabels != null) {
                realLabels.add(labels.get(it, new NDIndex("{}:{}", from, to))); // (<= batchSize, classes)
            }
        }
        AdversarialStep.Result r = adversarialStep.run(it, real, realLabels);
        updateAverage((float) config.train().emaDecay());
        return new Outcome(r.lossD(), r.lossG(), r.dReal(), r.dFake(), Map.of());
    }

    /**
     * Moves G's weight average on after an update: {@code ema = decay * ema + (1 - decay) * w} for
     * every trainable weight, in place, and the live G's batch-norm running statistics copied in (as
     * EMA implementations do: statistics are not averaged).
     *
     * <p>{@code (1 - decay) * w} is a temporary of w's manager, G's long-lived one: closed here at
     * once, or it would stay there until the run ends (about 6 MB a step for the MLP generator).
     */
    private void updateAverage(float decay) {
        if (emaGenerator == null) {
            return;
        }
        List<Pair<String, Parameter>> live = players().generator().namedParameters();
        List<Pair<String, Parameter>> avg = emaGenerator.namedParameters();
        for (int i = 0; i < live.size(); i++) {
            NDArray w = live.get(i).getValue().getArray();
            NDArray a = avg.get(i).getValue().getArray();
            if (live.get(i).getValue().requiresGradient()) {
                try (NDArray scaled = Scalars.mul(w, 1f - decay)) {
                    Scalars.muli(a, decay).addi(scaled);
                }
            } else { // running mean / variance
                HostTensors.copyInto(a, w);
            }
        }
    }

    @Override
    public double divergedAbove() {
        return loss.divergedAbove();
    }

    @Override
    public String divergenceAdvice() {
        return "Likely causes: a learning rate too high (try --lr 1e-4), data not scaled to the model's range, or D"
                + " winning outright (try --real-label 0.9).";
    }

    /** @return the generator samples are drawn from: the weight average when there is one, else G */
    public Network samplingGenerator() {
        return emaGenerator != null ? emaGenerator : players().generator();
    }

    /** The players, the fixed noise and G's average. */
    @Override
    public Map<String, List<NamedTensor>> snapshot() {
        Map<String, List<NamedTensor>> parts = super.snapshot();
        parts.put(CheckpointSchema.FIXED_NOISE, List.of(fixedNoise.toTensor()));
        if (emaGenerator != null) {
            parts.put(CheckpointSchema.GENERATOR_EMA, emaGenerator.toTensors());
        }
        return parts;
    }

    /** The players, G's average and the fixed noise. */
    @Override
    public void restore(Path checkpointDir, CheckpointManifest manifest) {
        super.restore(checkpointDir, manifest);
        if (emaGenerator != null) {
            emaGenerator.copyFrom(Checkpoints.readPart(checkpointDir, CheckpointSchema.GENERATOR_EMA));
        }
        fixedNoise.restore(Checkpoints.readPart(checkpointDir, CheckpointSchema.FIXED_NOISE));
    }

    @Override
    public void beforeUpdate(Consumer<Network> tap) {
        adversarialStep.beforeUpdate(tap);
    }

    /** The sampling generator on the fixed test noise, in inference mode: one grid row per class if conditional. */
    @Override
    public Preview preview() {
        return new Preview("samples/fixed_noise", fixedNoise.samples(samplingGenerator()), fixedNoise.sampleCount(),
                fixedNoise.gridColumns());
    }

    @Override
    public int previewPhase() {
        return 1; // the tutorial saves when n_batch % 100 == 0, i.e. after the 1st, 101st, ... batch
    }

    /** @return (n, dataDim) samples of the sampling generator; a conditional model's classes in turn */
    @Override
    public float[] generate(int n, long seed) {
        float[] noise = LatentNoise.gaussian(seed, n * config.model().latentDim());
        return Generation.run(samplingGenerator(), config.model(), noise, null);
    }

    /** @return the adversarial step (for tests) */
    AdversarialStep adversarialStep() {
        return adversarialStep;
    }
}
