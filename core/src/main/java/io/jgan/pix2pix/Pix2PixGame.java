package io.jgan.pix2pix;

import io.jgan.JganException;
import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.config.TrainConfig;
import io.jgan.data.PairedData;
import io.jgan.data.TrainingData;
import io.jgan.engine.Torch;
import io.jgan.format.ImageGrid;
import io.jgan.model.Generation;
import io.jgan.model.Network;
import io.jgan.train.Players;
import io.jgan.train.TwoPlayerGame;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Tensor;

/**
 * pix2pix (Isola et al. 2017) as a game of the one loop: the U-Net G and PatchGAN D of
 * {@link io.jgan.model.UNet}, {@link Pix2PixStep} each iteration, on paired images. The last
 * tenth of the pairs (the embedded digits 9,000 to 9,999 in the demo) is held out: never trained
 * on, used for the grids and the measurements.
 *
 * <p>Data columns: the inputs a and the targets b, (trainCount, dataDim) each in [-1, 1],
 * shuffled together. An epoch is the full batches of the training pairs.
 */
public final class Pix2PixGame extends TwoPlayerGame {

    /** Pairs shown in each grid. */
    static final int GRID_PAIRS = 8;

    private final GanConfig config;
    private final PairedData pairs;
    private final Pix2PixStep step;

    /**
     * Builds the networks (initial weights seeded from the run's seed) and loads the pairs.
     *
     * @param config a validated pix2pix config whose model matches the pairs' shape
     * @param pairs the data; its last tenth is held out
     */
    public Pix2PixGame(GanConfig config, PairedData pairs) {
        this(config, pairs, Setup.of(config, pairs));
    }

    private Pix2PixGame(GanConfig config, PairedData pairs, Setup setup) {
        super(setup.players(), setup.columns(), setup.trainCount(),
                setup.trainCount() / config.train().batchSize());
        this.config = config;
        this.pairs = pairs;
        this.step = new Pix2PixStep(players().generator(), players().discriminator(), players().optimizerG(),
                players().optimizerD(), config.train().l1Weight());
    }

    /** The players and the training pairs in the engine: inputs a and targets b, (trainCount, dataDim) each. */
    private record Setup(Players players, List<Tensor> columns, int trainCount) {

        static Setup of(GanConfig config, PairedData pairs) {
            TrainConfig t = config.train();
            ModelConfig m = config.model();
            int count = pairs.inputs().count();
            int trainCount = count - heldOutCount(count);
            if (t.batchSize() > trainCount) {
                throw new JganException(JganException.USAGE, "--batch-size " + t.batchSize() + " is larger than the "
                        + trainCount + " training pairs");
            }
            Players players = Players.create(m, t);
            int dim = m.dataDim();
            // inputs a and targets b, (trainCount, dataDim) each in [-1, 1]
            List<Tensor> columns = keptColumns(players, List.of(
                    () -> Torch.tensor(Arrays.copyOf(TrainingData.scale(pairs.inputs(), m.range()), trainCount * dim),
                            trainCount, dim),
                    () -> Torch.tensor(Arrays.copyOf(TrainingData.scale(pairs.targets(), m.range()), trainCount * dim),
                            trainCount, dim)));
            return new Setup(players, columns, trainCount);
        }
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

    @Override
    public Outcome play(List<Tensor> shuffled, int iteration) {
        long from = (long) iteration * config.train().batchSize();
        int n = config.train().batchSize();
        Pix2PixStep.Result r = step.run(shuffled.get(0).narrow(0, from, n), shuffled.get(1).narrow(0, from, n));
        Map<String, Float> extra = new LinkedHashMap<>();
        extra.put("loss/L1", r.l1());
        return new Outcome(r.lossD(), r.lossG(), r.dReal(), r.dFake(), extra);
    }

    @Override
    public double divergedAbove() {
        return Double.POSITIVE_INFINITY;
    }

    @Override
    public String divergenceAdvice() {
        return "Try a lower --lr.";
    }

    @Override
    public void beforeUpdate(Consumer<Network> tap) {
        step.beforeUpdate(tap);
    }

    /** Rows: the last held-out inputs, G's translations of them, their targets. */
    @Override
    public Preview preview() {
        ModelConfig m = config.model();
        int n = Math.min(GRID_PAIRS, pairs.inputs().count());
        int first = pairs.inputs().count() - n; // the held-out end
        float[] a = slice(TrainingData.scale(pairs.inputs(), m.range()), first, n, m.dataDim());
        float[] b = slice(TrainingData.scale(pairs.targets(), m.range()), first, n, m.dataDim());
        return new Preview("samples/translations", ImageGrid.concat(a, translate(a, n), b), 3 * n, n);
    }

    @Override
    public int previewPhase() {
        return 0; // a grid after the 100th, 200th, ... step
    }

    @Override
    public float[] generate(int n, long seed) {
        throw new UnsupportedOperationException("pix2pix's G translates images; it is not given noise");
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
        return Generation.translate(players().generator(), config.model(), a, n);
    }

    /** @return the pairs trained on (the rest are held out) */
    public int trainCount() {
        return count();
    }

    /** @return the data */
    public PairedData pairs() {
        return pairs;
    }

    /** @return held-out inputs, in the model's pixel range */
    float[] heldOutInputs() {
        return heldOutInputs(pairs, config.model());
    }

    /**
     * The held-out inputs of a run's pairs: the last tenth, never trained on.
     *
     * @param pairs the run's pairs
     * @param m its model (data size and pixel range)
     * @return (held out, dataDim) in the model's pixel range
     */
    static float[] heldOutInputs(PairedData pairs, ModelConfig m) {
        int count = pairs.inputs().count();
        int first = count - heldOutCount(count);
        return slice(TrainingData.scale(pairs.inputs(), m.range()), first, count - first, m.dataDim());
    }

    static float[] slice(float[] all, int first, int n, int dim) {
        return Arrays.copyOfRange(all, first * dim, (first + n) * dim);
    }
}
