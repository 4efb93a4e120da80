package io.jgan.config;

/**
 * The tutorials' settings, one place for every default (README, "The tutorials").
 *
 * <p>The CLI starts from a preset and overrides only what the user sets.
 */
public final class Presets {

    private Presets() {}

    /**
     * The MLP GAN of 'GANs from Scratch 1', the default: MLP G 100-256-512-1024-784 (LeakyReLU 0.2, tanh),
     * MLP D
     * 784-1024-512-256-1 (LeakyReLU 0.2, dropout 0.3), BCE with the non-saturating G loss,
     * D loss = sum of its real and fake terms, Adam 2e-4 (0.9, 0.999, 1e-8), batch 100,
     * 16 fixed noise vectors, a grid every 100 batches.
     *
     * @param epochs passes over the data
     * @return the config on the embedded digits
     */
    public static GanConfig vanilla(int epochs) {
        return new GanConfig(
                DataConfig.embedded(0),
                new ModelConfig("mlp", 100, 1, 28, 28, PixelRange.SYMMETRIC),
                TrainConfig.builder().batchSize(100).lr(2e-4).build(),
                RunSchedule.ofEpochs(epochs));
    }

    /**
     * The GAN course's variant: z of 10, G blocks Linear-BatchNorm-ReLU 10-128-256-512-1024
     * then Linear(1024, 784) sigmoid, D 784-512-256-128-1 with LeakyReLU 0.2, data in [0, 1],
     * D loss = mean of its two terms, Adam 1e-5, batch 128.
     *
     * @param epochs passes over the data
     * @return the config on the embedded digits
     */
    public static GanConfig course(int epochs) {
        return new GanConfig(
                DataConfig.embedded(0),
                new ModelConfig("mlp-bn", 10, 1, 28, 28, PixelRange.UNIT),
                TrainConfig.builder().batchSize(128).lr(1e-5).averageDTerms(true).build(),
                RunSchedule.ofEpochs(epochs));
    }

    /**
     * The toy of 'GANs — Illustrated, explained and coded': one-pixel "images" drawn from N(mean, std) in
     * [-1, 1], learned by two tiny
     * MLPs. The 1-D game circles around its equilibrium; Adam without momentum (beta1 0) and a
     * discriminator learning 4x faster than the generator (the two time-scale rule, Heusel et
     * al. 2017) damp that: over seeds 1-5 the generated mean landed within 0.02 and the standard
     * deviation within 0.015 of N(0, 0.2) after 2,000 steps, where beta1 0.5 missed by up to 0.2.
     *
     * @param mean the real distribution's mean
     * @param std the real distribution's standard deviation
     * @param steps iterations to train
     * @return the toy config
     */
    public static GanConfig toy(double mean, double std, long steps) {
        return new GanConfig(
                new DataConfig(DataConfig.GAUSSIAN, 0, mean, std, 10_000, 0, 0),
                new ModelConfig("toy", 4, 1, 1, 1, PixelRange.SYMMETRIC),
                TrainConfig.builder().batchSize(500).lrG(2e-4).lrD(8e-4).beta1(0.0).fixedNoiseCount(256).build(),
                RunSchedule.ofEpochs(1_000_000).toBuilder().maxSteps(steps).gridEvery(0).build());
    }

    /**
     * DCGAN (Radford et al. 2016): z of 100, Adam 2e-4 with beta1 0.5, batch 128, BCE with the
     * non-saturating G loss, data in [-1, 1].
     *
     * @param epochs passes over the data
     * @return the config on the embedded digits
     */
    public static GanConfig dcgan(int epochs) {
        return new GanConfig(
                DataConfig.embedded(0),
                new ModelConfig("dcgan", 100, 1, 28, 28, PixelRange.SYMMETRIC),
                TrainConfig.builder().batchSize(128).lr(2e-4).beta1(0.5).build(),
                RunSchedule.ofEpochs(epochs));
    }

    /**
     * pix2pix (Isola et al. 2017) on the digits demo: a U-Net G from sketch to digit, a PatchGAN D
     * on (digit, sketch), adversarial loss (D's two terms averaged, as 'An Intuitive way to
     * understand GANs' writes it) plus 100 x L1, Adam 2e-4 with beta1 0.5, batch 32.
     *
     * @param epochs passes over the training pairs
     * @return the config
     */
    public static GanConfig pix2pix(int epochs) {
        return new GanConfig(
                DataConfig.embedded(0),
                new ModelConfig("pix2pix", 0, 1, 28, 28, PixelRange.SYMMETRIC),
                TrainConfig.builder().batchSize(32).lr(2e-4).beta1(0.5).averageDTerms(true).l1Weight(100).build(),
                RunSchedule.ofEpochs(epochs));
    }

    /**
     * Returns the preset for a model family.
     *
     * @param family {@code mlp} or {@code mlp-bn}
     * @param epochs passes over the data
     * @return the preset
     */
    public static GanConfig forFamily(String family, int epochs) {
        return switch (family) {
            case "pix2pix" -> pix2pix(epochs);
            case "mlp-bn" -> course(epochs);
            case "dcgan" -> dcgan(epochs);
            default -> vanilla(epochs);
        };
    }
}
