package io.jgan.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.jgan.JganException;
import java.util.List;

/**
 * How a model is trained: the recipe a resumed run keeps unchanged (its length and outputs are a
 * {@link RunSchedule}). Built with {@link #builder()} or changed with {@link #toBuilder()}.
 *
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
 * @param fixedNoiseCount number of fixed test noise vectors (the tutorial: 16, a 4x4 grid)
 * @param l1Weight pix2pix only: lambda of G's L1 term, lambda |G(a) - b|_1 beside the adversarial
 *     loss (100 in the paper); 0 for the GAN families
 * @param emaDecay decay of an exponential moving average of G's weights, sampled from when
 *     present (0 = none; 0.999 is usual)
 * @param spectralNorm spectral normalisation (Miyato et al. 2018) of every linear and convolution layer of D
 *     (weights W / sigma(W), as PyTorch's spectral_norm); absent from a run's config when off
 * @param r1Gamma the R1 penalty's weight on real data (Mescheder et al. 2018), 0 for none
 * @param r1Every apply R1 on every k-th D update only, weighted by k (lazy regularisation); 1 (or 0) every update
 * @param augment DiffAugment's policies for what D sees (Zhao et al. 2020): color, translation, cutout,
 *     comma-separated; empty (or absent from a run's config) for none
 * @param augmentP the probability with which each image goes through each policy (ADA's p, Karras et
 *     al. 2020); 1 (absent from a run's config) for every image, as DiffAugment
 * @param projection a class-conditional D with a projection (Miyato and Koyama 2018) instead of label maps;
 *     absent from a run's config when off
 * @param lrDecaySteps K: both learning rates fall linearly towards 0 over the run's last K steps
 *     (pix2pix's schedule, Isola et al. 2017: constant, then linear decay); 0 (absent from a run's
 *     config) for constant rates
 */
public record TrainConfig(
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
        int fixedNoiseCount,
        double emaDecay,
        double l1Weight,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean spectralNorm,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) double r1Gamma,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = TrainConfig.EveryStep.class) int r1Every,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String augment,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = TrainConfig.Always.class) double augmentP,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean projection,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) long lrDecaySteps) {

    /** Leaves r1Every out of a run's config when it is 1 (or 0, as configs without it read): every step. */
    static final class EveryStep {
        @Override
        public boolean equals(Object o) {
            return o instanceof Integer i && i <= 1;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    /** Leaves augmentP out of a run's config when it is 1 (or 0, as configs without it read): every image. */
    static final class Always {
        @Override
        public boolean equals(Object o) {
            return o instanceof Double d && (d == 0 || d == 1);
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    /** Configs written before R1 and DiffAugment existed read as "every step", "none" and "every image". */
    public TrainConfig {
        if (r1Every == 0) {
            r1Every = 1;
        }
        if (augmentP == 0) {
            augmentP = 1;
        }
        if (augment == null) {
            augment = "";
        }
    }

    /** The adversarial objectives this version offers. */
    public static final List<String> LOSSES = List.of("bce", "bce-saturating", "lsgan", "hinge", "wgan-gp");

    /** DiffAugment's policies, in the order they are applied. */
    public static final List<String> AUGMENT_POLICIES = List.of("color", "translation", "cutout");

    /**
     * Checks the values, before any native memory is touched.
     *
     * @throws JganException naming the bad value and what is accepted
     */
    public void validate() {
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
        require(fixedNoiseCount >= 1 && fixedNoiseCount <= 1024,
                "fixed noise count must be in 1..1024, got " + fixedNoiseCount);
        require(emaDecay == 0 || (emaDecay >= 0.5 && emaDecay < 1), "--ema must be 0 (off) or in [0.5, 1), got "
                + emaDecay);
        require(l1Weight >= 0 && l1Weight <= 10_000, "--l1-weight must be in 0..10000, got " + l1Weight);
        require(r1Gamma >= 0 && r1Gamma <= 10_000, "--r1 must be in 0..10000 (0: off; 10 is StyleGAN's, 0.1-1 suit"
                + " MNIST), got " + r1Gamma);
        require(r1Every >= 0 && r1Every <= 1000, "--r1-every must be in 1..1000, got " + r1Every);
        require(lrDecaySteps >= 0, "--lr-decay must be >= 0 (0: constant learning rates), got " + lrDecaySteps);
        if (!augment.isBlank()) { // never null: the constructor reads an absent one as ""
            for (String p : augment.split(",")) {
                require(AUGMENT_POLICIES.contains(p.trim()), "unknown --augment policy '" + p.trim() + "': use a"
                        + " comma-separated list of " + String.join(", ", AUGMENT_POLICIES));
            }
        }
        require(augmentP > 0 && augmentP <= 1, "--augment-p must be in (0, 1], got " + augmentP);
        require(augmentP == 1 || !augment.isBlank(), "--augment-p " + augmentP + " needs --augment POLICIES: it is"
                + " the probability of each policy");
    }

    /**
     * The learning rates' factor for an iteration: 1, then over the last K steps of the run
     * (K/(K+1), (K-1)/(K+1), ..., 1/(K+1)), pix2pix's linear decay counted in steps; it never
     * reaches 0, so the last step still learns. A decay longer than the run starts below 1.
     *
     * @param step iterations done before this one, from 0
     * @param totalSteps the run's length in iterations
     * @return the factor in (0, 1]
     */
    public double lrFactor(long step, long totalSteps) {
        return lrDecaySteps == 0 ? 1.0 : Math.min(1.0, (double) (totalSteps - step) / (lrDecaySteps + 1));
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new JganException(JganException.USAGE, message);
        }
    }

    /** @return a builder with PyTorch's Adam defaults, BCE, batch 100, 16 fixed noise vectors, seed 0 */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this config's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.batchSize = batchSize;
        b.lrG = lrG;
        b.lrD = lrD;
        b.beta1 = beta1;
        b.beta2 = beta2;
        b.eps = eps;
        b.dSteps = dSteps;
        b.realLabel = realLabel;
        b.loss = loss;
        b.averageDTerms = averageDTerms;
        b.seed = seed;
        b.fixedNoiseCount = fixedNoiseCount;
        b.emaDecay = emaDecay;
        b.lrDecaySteps = lrDecaySteps;
        b.l1Weight = l1Weight;
        b.spectralNorm = spectralNorm;
        b.r1Gamma = r1Gamma;
        b.r1Every = r1Every;
        b.augment = augment;
        b.augmentP = augmentP;
        b.projection = projection;
        return b;
    }

    /** Builds a {@link TrainConfig}; every setter names its field. */
    public static final class Builder {
        private int batchSize = 100;
        private double lrG = 2e-4;
        private double lrD = 2e-4;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private int dSteps = 1;
        private double realLabel = 1.0;
        private String loss = "bce";
        private boolean averageDTerms;
        private long seed;
        private int fixedNoiseCount = 16;
        private double emaDecay;
        private long lrDecaySteps;
        private double l1Weight;
        private boolean spectralNorm;
        private double r1Gamma;
        private int r1Every = 1;
        private String augment = "";
        private double augmentP = 1;
        private boolean projection;

        private Builder() {}

        /** @param v samples per batch @return this */
        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        /** @param v both networks' learning rate @return this */
        public Builder lr(double v) {
            lrG = v;
            lrD = v;
            return this;
        }

        /** @param v G's learning rate @return this */
        public Builder lrG(double v) {
            lrG = v;
            return this;
        }

        /** @param v D's learning rate @return this */
        public Builder lrD(double v) {
            lrD = v;
            return this;
        }

        /** @param v Adam beta1 @return this */
        public Builder beta1(double v) {
            beta1 = v;
            return this;
        }

        /** @param v Adam beta2 @return this */
        public Builder beta2(double v) {
            beta2 = v;
            return this;
        }

        /** @param v Adam epsilon @return this */
        public Builder eps(double v) {
            eps = v;
            return this;
        }

        /** @param v discriminator steps per generator step @return this */
        public Builder dSteps(int v) {
            dSteps = v;
            return this;
        }

        /** @param v D's target for real samples @return this */
        public Builder realLabel(double v) {
            realLabel = v;
            return this;
        }

        /** @param v the objective's name @return this */
        public Builder loss(String v) {
            loss = v;
            return this;
        }

        /** @param v D's loss averages its two terms @return this */
        public Builder averageDTerms(boolean v) {
            averageDTerms = v;
            return this;
        }

        /** @param v the seed @return this */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** @param v fixed noise vectors @return this */
        public Builder fixedNoiseCount(int v) {
            fixedNoiseCount = v;
            return this;
        }

        /** @param v decay of G's weight average (0 = none) @return this */
        public Builder emaDecay(double v) {
            emaDecay = v;
            return this;
        }

        /**
         * @param v pix2pix's lambda of the L1 term
         * @return this
         */
        public Builder l1Weight(double v) {
            l1Weight = v;
            return this;
        }

        /** @param v DiffAugment's policies, comma-separated; empty for none @return this */
        public Builder augment(String v) {
            augment = v;
            return this;
        }

        /** @param v the probability of each augmentation policy per image @return this */
        public Builder augmentP(double v) {
            augmentP = v;
            return this;
        }

        /** @param v a conditional D with a projection (DCGAN) @return this */
        public Builder projection(boolean v) {
            projection = v;
            return this;
        }

        /** @param v R1's gamma, 0 for none @return this */
        public Builder r1Gamma(double v) {
            r1Gamma = v;
            return this;
        }

        /** @param v apply R1 on every v-th D update @return this */
        public Builder r1Every(int v) {
            r1Every = v;
            return this;
        }

        /** @param v the learning rates' linear decay over the run's last v steps (0: none) @return this */
        public Builder lrDecaySteps(long v) {
            lrDecaySteps = v;
            return this;
        }

        /** @param v spectral normalisation of every layer of D @return this */
        public Builder spectralNorm(boolean v) {
            spectralNorm = v;
            return this;
        }

        /** @return the config (not yet validated) */
        public TrainConfig build() {
            return new TrainConfig(batchSize, lrG, lrD, beta1, beta2, eps, dSteps, realLabel, loss, averageDTerms, seed,
                    fixedNoiseCount, emaDecay, l1Weight, spectralNorm, r1Gamma, r1Every,
                    augment, augmentP, projection, lrDecaySteps);
        }
    }
}
