package io.jgan.config;

import io.jgan.JganException;
import java.util.List;

/**
 * How to train: optimiser, schedule, tricks and what to write when.
 *
 * @param epochs passes over the data
 * @param maxSteps stop after this many iterations (0 = no limit); for quick runs and tests
 * @param batchSize samples per batch (the tutorial: 100)
 * @param lrG Adam learning rate of the generator (the tutorial: 2e-4)
 * @param lrD Adam learning rate of the discriminator (the tutorial: 2e-4)
 * @param beta1 Adam beta1 (PyTorch default 0.9)
 * @param beta2 Adam beta2 (PyTorch default 0.999)
 * @param eps Adam epsilon (PyTorch default 1e-8)
 * @param dSteps k: discriminator steps per generator step (Goodfellow 2014, Algorithm 1)
 * @param realLabel target for real samples in D's loss; 0.9 is one-sided label smoothing
 * @param loss the adversarial objective: {@code bce} (non-saturating G, the tutorial),
 *     {@code bce-saturating}, {@code lsgan}, {@code hinge} or {@code wgan-gp}
 * @param averageDTerms D's loss is the mean of its real and fake terms (the GAN course) instead
 *     of their sum (the MLP GAN)
 * @param seed seeds initialisation, data order, noise and dropout
 * @param gridEvery write a grid of the fixed noise every this many iterations (0 = only at the end)
 * @param checkpointEvery write a checkpoint every this many iterations (0 = only at the end)
 * @param fixedNoiseCount number of fixed test noise vectors (the tutorial: 16, a 4x4 grid)
 * @param keepCheckpoints how many newest checkpoints to keep (0 in configs written before it
 *     existed reads as 2)
 * @param gridScale pixel magnification of saved grids (0 reads as 2)
 * @param evalEvery measure sample quality every this many iterations (0 = never)
 * @param evalSamples samples per quality measurement (0 reads as 1,000)
 * @param emaDecay decay of an exponential moving average of G's weights, sampled from when
 *     present (0 = none; 0.999 is usual)
 */
public record TrainConfig(
        int epochs,
        long maxSteps,
        int batchSize,
        double lrG,
        double lrD,
        double beta1,
        double beta2,
        double eps,
        int dSteps,
        double realLabel,
        String loss,
        boolean averageDTerms,
        long seed,
        int gridEvery,
        int checkpointEvery,
        int fixedNoiseCount,
        int keepCheckpoints,
        int gridScale,
        int evalEvery,
        int evalSamples,
        double emaDecay) {

    /** Default of {@link #keepCheckpoints}. */
    public static final int DEFAULT_KEEP = 2;
    /** Default of {@link #gridScale}. */
    public static final int DEFAULT_GRID_SCALE = 2;

    /** Compact constructor: 0 (a field missing from an older config) means the default. */
    public TrainConfig {
        keepCheckpoints = keepCheckpoints == 0 ? DEFAULT_KEEP : keepCheckpoints;
        gridScale = gridScale == 0 ? DEFAULT_GRID_SCALE : gridScale;
        evalSamples = evalSamples == 0 ? DEFAULT_EVAL_SAMPLES : evalSamples;
    }

    /** Default of {@link #evalSamples}. */
    public static final int DEFAULT_EVAL_SAMPLES = 1000;

    /** The adversarial objectives this version offers. */
    public static final List<String> LOSSES = List.of("bce", "bce-saturating", "lsgan", "hinge", "wgan-gp");

    /**
     * Checks the values, before any native memory is touched.
     *
     * @throws JganException naming the bad value and what is accepted
     */
    public void validate() {
        require(epochs >= 1, "--epochs must be >= 1, got " + epochs);
        require(maxSteps >= 0, "--max-steps must be >= 0 (0 = no limit), got " + maxSteps);
        require(batchSize >= 1, "--batch-size must be >= 1, got " + batchSize);
        require(lrG > 0 && lrG < 1 && lrD > 0 && lrD < 1,
                "learning rates must be in (0, 1), got G " + lrG + ", D " + lrD);
        require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1,
                "Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
        require(eps > 0, "Adam eps must be > 0, got " + eps);
        require(dSteps >= 1 && dSteps <= 100, "--d-steps must be in 1..100, got " + dSteps);
        require(realLabel > 0.5 && realLabel <= 1.0,
                "--real-label must be in (0.5, 1] (0.9 = one-sided label smoothing), got " + realLabel);
        require(LOSSES.contains(loss), "unknown loss '" + loss + "': use one of " + String.join(", ", LOSSES));
        require(gridEvery >= 0, "--grid-every must be >= 0, got " + gridEvery);
        require(checkpointEvery >= 0, "--checkpoint-every must be >= 0, got " + checkpointEvery);
        require(fixedNoiseCount >= 1 && fixedNoiseCount <= 1024,
                "fixed noise count must be in 1..1024, got " + fixedNoiseCount);
        require(keepCheckpoints >= 1 && keepCheckpoints <= 1000, "--keep-checkpoints must be in 1..1000, got "
                + keepCheckpoints);
        require(gridScale >= 1 && gridScale <= 16, "--grid-scale must be in 1..16, got " + gridScale);
        require(evalEvery >= 0, "--eval-every must be >= 0 (0 = never), got " + evalEvery);
        require(emaDecay == 0 || (emaDecay >= 0.5 && emaDecay < 1), "--ema must be 0 (off) or in [0.5, 1), got "
                + emaDecay);
        require(evalSamples >= 10 && evalSamples <= 50_000, "--eval-samples must be in 10..50000, got " + evalSamples);
    }

    /**
     * Returns a copy with another seed.
     *
     * @param newSeed the seed
     * @return the copy
     */
    public TrainConfig withSeed(long newSeed) {
        return new TrainConfig(epochs, maxSteps, batchSize, lrG, lrD, beta1, beta2, eps, dSteps, realLabel, loss,
                averageDTerms, newSeed, gridEvery, checkpointEvery, fixedNoiseCount, keepCheckpoints, gridScale,
                evalEvery, evalSamples, emaDecay);
    }

    /**
     * Returns a copy that keeps an average of G's weights.
     *
     * @param decay the average's decay (0 = none)
     * @return the copy
     */
    public TrainConfig withEma(double decay) {
        return new TrainConfig(epochs, maxSteps, batchSize, lrG, lrD, beta1, beta2, eps, dSteps, realLabel, loss,
                averageDTerms, seed, gridEvery, checkpointEvery, fixedNoiseCount, keepCheckpoints, gridScale, evalEvery,
                evalSamples, decay);
    }

    /**
     * Returns a copy with another objective.
     *
     * @param newLoss one of {@link #LOSSES}
     * @param newAverageDTerms D's loss is the mean of its two terms instead of their sum (BCE only)
     * @return the copy
     */
    public TrainConfig withLoss(String newLoss, boolean newAverageDTerms) {
        return new TrainConfig(epochs, maxSteps, batchSize, lrG, lrD, beta1, beta2, eps, dSteps, realLabel, newLoss,
                newAverageDTerms, seed, gridEvery, checkpointEvery, fixedNoiseCount, keepCheckpoints, gridScale,
                evalEvery, evalSamples, emaDecay);
    }

    /**
     * Returns a copy with another batch size and step limit (quick runs and tests).
     *
     * @param newBatchSize samples per batch
     * @param newMaxSteps iteration limit, 0 for none
     * @return the copy
     */
    public TrainConfig withBatch(int newBatchSize, long newMaxSteps) {
        return new TrainConfig(epochs, newMaxSteps, newBatchSize, lrG, lrD, beta1, beta2, eps, dSteps, realLabel, loss,
                averageDTerms, seed, gridEvery, checkpointEvery, fixedNoiseCount,
                keepCheckpoints, gridScale, evalEvery, evalSamples, emaDecay);
    }

    /**
     * Returns this config with a new length and output cadence (what a resumed run may change).
     *
     * @param newEpochs passes over the data
     * @param newMaxSteps iteration limit (0 = none)
     * @param newGridEvery grid cadence
     * @param newCheckpointEvery checkpoint cadence
     * @param newKeep checkpoints kept
     * @param newGridScale grid magnification
     * @param newEvalEvery quality-measurement cadence
     * @param newEvalSamples samples per measurement
     * @return the new config
     */
    public TrainConfig withSchedule(int newEpochs, long newMaxSteps, int newGridEvery, int newCheckpointEvery,
            int newKeep, int newGridScale, int newEvalEvery, int newEvalSamples) {
        return new TrainConfig(newEpochs, newMaxSteps, batchSize, lrG, lrD, beta1, beta2, eps, dSteps, realLabel, loss,
                averageDTerms, seed, newGridEvery, newCheckpointEvery, fixedNoiseCount, newKeep, newGridScale,
                newEvalEvery, newEvalSamples, emaDecay);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new JganException(JganException.USAGE, message);
        }
    }
}
