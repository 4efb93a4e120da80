package io.jgan.train;

import io.jgan.JganException;
import io.jgan.checkpoint.CheckpointManifest;
import io.jgan.checkpoint.CheckpointSchema;
import io.jgan.checkpoint.Checkpoints;
import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.config.TrainConfig;
import io.jgan.data.Samples;
import io.jgan.engine.Torch;
import io.jgan.format.NamedTensor;
import io.jgan.loss.AdversarialLoss;
import io.jgan.model.Family;
import io.jgan.model.Generation;
import io.jgan.model.Network;
import io.jgan.model.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

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
        this(config, Setup.of(config, samples), DataParallel.single(), false);
    }

    /**
     * The game for one rank of a data-parallel job: every rank builds the same players from the
     * same seed, plays its shard of every batch, and sums gradients with the others.
     *
     * @param config the validated config
     * @param samples the training samples, all of them (each rank takes its rows of every batch)
     * @param dp the ranks
     * @param syncBatchNorm whether batch norm uses the global batch's statistics
     */
    public GanGame(GanConfig config, Samples samples, DataParallel dp, boolean syncBatchNorm) {
        this(config, Setup.of(config, samples), dp, syncBatchNorm);
    }

    private GanGame(GanConfig config, Setup setup, DataParallel dp, boolean syncBatchNorm) {
        super(setup.players(), setup.columns(), setup.count(), setup.iterationsPerEpoch());
        this.config = config;
        TrainConfig train = config.train();
        ModelConfig model = config.model();
        Family family = Family.of(model);
        try {
            if (train.emaDecay() > 0) {
                this.emaGenerator = family.newGenerator(CheckpointSchema.GENERATOR_EMA, model);
                emaGenerator.copyFrom(players().generator().toTensors());
            } else {
                this.emaGenerator = null;
            }
            this.fixedNoise = new FixedNoise(model, train.fixedNoiseCount(), train.seed());
            this.loss = AdversarialLoss.of(train);
            dp.attach(players().generator(), syncBatchNorm);
            dp.attach(players().discriminator(), syncBatchNorm);
            this.adversarialStep = new AdversarialStep(players().generator(), players().discriminator(),
                    players().optimizerG(), players().optimizerD(), loss, model.latentDim(),
                    family.discriminatorIsPerSample(), model.classes(), dp);
            adversarialStep.r1(train.r1Gamma(), train.r1Every());
            adversarialStep.augment(DiffAugment.of(train.augment(), model.channels(), model.height(), model.width(),
                    train.augmentP()));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The players and the data, built (in this order) before the game's own parts. */
    private record Setup(Players players, List<Tensor> columns, int count, int iterationsPerEpoch) {

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
            Players players = Players.create(model, train);
            List<Supplier<Tensor>> makers = new ArrayList<>();
            makers.add(() -> Torch.tensor(samples.values(), samples.count(), samples.dim())); // (count, dataDim)
            if (model.conditional()) {
                makers.add(() -> oneHot(samples, model.classes())); // (count, classes)
            }
            List<Tensor> columns = keptColumns(players, makers);
            int batches = (samples.count() + train.batchSize() - 1) / train.batchSize();
            return new Setup(players, columns, samples.count(), Math.max(1, batches / train.dSteps()));
        }

        private static Tensor oneHot(Samples samples, int k) {
            float[] code = new float[samples.count() * k];
            for (int i = 0; i < samples.count(); i++) {
                int y = samples.labels()[i] & 0xff;
                if (y >= k) {
                    throw new JganException(JganException.BAD_DATA, "label " + y + " of sample " + i + " is outside the "
                            + k + " classes of this model");
                }
                code[i * k + y] = 1f;
            }
            return Torch.tensor(code, samples.count(), k);
        }
    }

    /** k real batches (k = --d-steps), the adversarial step, then G's average. */
    @Override
    public Outcome play(List<Tensor> shuffled, int iteration) {
        int k = config.train().dSteps();
        int batchSize = config.train().batchSize();
        Tensor data = shuffled.get(0);
        Tensor labels = shuffled.size() > 1 ? shuffled.get(1) : null;
        List<Tensor> real = new ArrayList<>(k);
        List<Tensor> realLabels = labels == null ? null : new ArrayList<>(k);
        for (int b = 0; b < k; b++) {
            long from = (long) (iteration * k + b) * batchSize;
            long len = Math.min(from + batchSize, count()) - from;
            real.add(data.narrow(0, from, len)); // (<= batchSize, dataDim), a view
            if (realLabels != null) {
                realLabels.add(labels.narrow(0, from, len)); // (<= batchSize, classes)
            }
        }
        AdversarialStep.Result r = adversarialStep.run(real, realLabels);
        updateAverage((float) config.train().emaDecay());
        return new Outcome(r.lossD(), r.lossG(), r.dReal(), r.dFake(), Map.of());
    }

    /**
     * Moves G's weight average on after an update: {@code ema = decay * ema + (1 - decay) * w} for
     * every trainable weight, in place, and the live G's batch-norm running statistics copied in (as
     * EMA implementations do: statistics are not averaged).
     *
     * <p>Runs inside the iteration's scope, so its temporaries go with the step.
     */
    private void updateAverage(float decay) {
        if (emaGenerator == null) {
            return;
        }
        List<Parameter> live = players().generator().namedParameters();
        List<Parameter> avg = emaGenerator.namedParameters();
        try (Torch.NoGrad off = Torch.noGrad()) {
            for (int i = 0; i < live.size(); i++) {
                Tensor w = live.get(i).tensor();
                Tensor a = avg.get(i).tensor();
                if (live.get(i).trainable()) {
                    a.mul_(new Scalar(decay)).add_(w.mul(new Scalar(1f - decay)));
                } else { // running mean / variance
                    a.copy_(w);
                }
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
        return Generation.sampleIds(samplingGenerator(), config.model(), seed, 0, n, null); // as jgan sample draws them
    }

    @Override
    public void close() {
        if (emaGenerator != null) {
            emaGenerator.close();
        }
        super.close();
    }

    /** @return the adversarial step (for tests) */
    AdversarialStep adversarialStep() {
        return adversarialStep;
    }
}
