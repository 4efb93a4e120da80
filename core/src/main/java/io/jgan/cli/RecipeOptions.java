package io.jgan.cli;

import io.jgan.config.TrainConfig;
import picocli.CommandLine.Option;

/**
 * The options of {@code jgan train} that set the training recipe, a {@link TrainConfig}: each
 * one given replaces the family preset's value, the rest stay the preset's.
 */
public final class RecipeOptions {

    @Option(names = Presets.OPTION, paramLabel = "NAME", description = "a named recipe: best (--model dcgan --batch-size"
            + " 32 --ema 0.995 --lr 3e-4 --feature-maps 64 --d-feature-maps 32, and --clusters auto unless --conditional:"
            + " the lowest FCD in 10 minutes measured on a 2-core CPU, with or without --conditional); options given"
            + " beside it override its values (--clusters 0: plain unconditional)")
    String preset;

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

    @Option(names = "--d-steps", paramLabel = "K", description = "discriminator steps per generator step (default 1)")
    int dSteps = 1;

    @Option(names = "--real-label", paramLabel = "Y",
            description = "D's target for real samples; 0.9 = one-sided label smoothing (default 1)")
    double realLabel = 1.0;

    @Option(names = "--label-smoothing",
            description = "same as --real-label 0.9 (one-sided label smoothing, as in 'A Brief Introduction To GANs')")
    boolean labelSmoothing;

    @Option(names = "--loss", paramLabel = "NAME", description = "bce (non-saturating G, the default but for sngan's hinge),"
                    + " bce-saturating, lsgan (least squares), hinge or wgan-gp"
                    + " (Wasserstein, gradient penalty 10; the paper also uses --lr 1e-4 --beta1 0 --d-steps 5)")
    String loss;

    @Option(names = "--seed", paramLabel = "S", description = "random seed (default ${DEFAULT-VALUE})")
    // Default 1, not 0: with the tutorial's exact settings on the 10k digits, seed 0 falls into the
    // "D wins outright" failure by epoch 6 (D(G(z)) -> 0, G stuck on saturated noise) and never
    // recovers, while seeds 1 and 2 train like the PyTorch reference. Any seed may be chosen.
    long seed = 1;

    @Option(names = "--ema", paramLabel = "DECAY",
            description = "keep an exponential moving average of G's weights (e.g. 0.999); grids, sample and eval use it (default 0: off)")
    double ema;

    @Option(names = "--lr-decay", paramLabel = "K", description = "both learning rates fall linearly towards 0 over"
            + " the run's last K steps (pix2pix's schedule: constant, then linear decay; default 0: constant)")
    long lrDecay;

    @Option(names = "--spectral-norm", description = "spectral normalisation of every layer of D (Miyato et al."
            + " 2018, as PyTorch's spectral_norm): D's weights divided by their largest singular value, one power"
            + " iteration per pass; keeps D 1-Lipschitz per layer")
    boolean spectralNorm;

    @Option(names = "--augment", paramLabel = "POLICIES", description = "differentiable augmentation of every image"
            + " D sees, real and generated (DiffAugment, Zhao et al. 2020): color, translation, cutout, comma-separated,"
            + " e.g. translation,cutout (for small data sets)")
    String augment;

    @Option(names = "--augment-p", paramLabel = "P", description = "with --augment: each image goes through each"
            + " policy with probability P, else D sees it as it is (ADA's p, Karras et al. 2020; default 1: every"
            + " image, as DiffAugment)")
    Double augmentP;

    @Option(names = "--projection", description = "with --conditional (dcgan, sngan): the class enters D by projection"
            + " (Miyato and Koyama 2018: an inner product of a class embedding with D's pooled features) instead of"
            + " label maps beside the image, and a dcgan's G takes it through conditional batch norm instead of"
            + " beside z (sngan's always does)")
    boolean projection;

    @Option(names = "--r1", paramLabel = "GAMMA", description = "R1 penalty on real data (Mescheder et al. 2018):"
            + " D's loss + GAMMA/2 E[|grad_x D(x)|^2], x real (default 0: off)")
    double r1;

    @Option(names = "--r1-every", paramLabel = "K", defaultValue = "1", description = "lazy R1: only on every K-th D"
            + " update, weighted by K (StyleGAN2's 16 saves most of its cost; default ${DEFAULT-VALUE})")
    int r1Every = 1;

    @Option(names = "--l1-weight", paramLabel = "LAMBDA",
            description = "pix2pix: weight of G's L1 term beside the adversarial loss (default 100)")
    Double l1Weight;

    /**
     * The preset's recipe with every option given.
     *
     * @param preset the family's recipe
     * @return the recipe, not yet validated
     */
    TrainConfig over(TrainConfig preset) {
        double lrBoth = lr != null ? lr : preset.lrG(); // --lr sets both; --lr-g and --lr-d each override it
        return preset.toBuilder()
                .batchSize(batchSize != null ? batchSize : preset.batchSize())
                .lrG(lrG != null ? lrG : lrBoth)
                .lrD(lrD != null ? lrD : lrBoth)
                .beta1(beta1 != null ? beta1 : preset.beta1())
                .dSteps(dSteps)
                .realLabel(labelSmoothing ? 0.9 : realLabel)
                .loss(loss != null ? loss : preset.loss())
                .seed(seed)
                .emaDecay(ema)
                .lrDecaySteps(lrDecay)
                .l1Weight(l1Weight != null ? l1Weight : preset.l1Weight())
                .spectralNorm(spectralNorm || preset.spectralNorm())
                .r1Gamma(r1 > 0 ? r1 : preset.r1Gamma())
                .r1Every(r1Every)
                .augment(augment != null ? augment : preset.augment())
                .augmentP(augmentP != null ? augmentP : preset.augmentP())
                .projection(projection || preset.projection())
                .build();
    }
}
