package io.jgan.model;

/**
 * The networks of the GAN course (DeepLearning.AI's 'Build Basic Generative Adversarial Networks',
 * week 1): G in blocks Linear-BatchNorm-ReLU with a sigmoid
 * output (data in [0, 1]); D in blocks Linear-LeakyReLU(0.2) returning a logit.
 */
public final class BatchNormMlpGan {

    private static final int HIDDEN = 128;

    private BatchNormMlpGan() {}

    /**
     * The generator: z (N, latentDim) to an image (N, dataDim) in [0, 1].
     *
     * @param latentDim 10 in the course
     * @param dataDim 784 for 28x28
     * @return the block
     */
    public static Block generator(int latentDim, int dataDim) {
        return new Sequential()
                .add(block(latentDim, HIDDEN)) // (N, 128)
                .add(block(HIDDEN, 2 * HIDDEN)) // (N, 256)
                .add(block(2 * HIDDEN, 4 * HIDDEN)) // (N, 512)
                .add(block(4 * HIDDEN, 8 * HIDDEN)) // (N, 1024)
                .add(Layers.linear(8 * HIDDEN, dataDim)) // (N, 784)
                .add(Lambda.sigmoid());
    }

    /**
     * The discriminator: an image (N, dataDim) to a logit (N, 1).
     *
     * @param dataDim 784 for 28x28
     * @return the block
     */
    public static Block discriminator(int dataDim) {
        return new Sequential()
                .add(Layers.linear(dataDim, 4 * HIDDEN)) // (N, 512)
                .add(Lambda.leakyRelu(0.2))
                .add(Layers.linear(4 * HIDDEN, 2 * HIDDEN)) // (N, 256)
                .add(Lambda.leakyRelu(0.2))
                .add(Layers.linear(2 * HIDDEN, HIDDEN)) // (N, 128)
                .add(Lambda.leakyRelu(0.2))
                .add(Layers.linear(HIDDEN, 1)); // (N, 1) logit
    }

    /** Linear, BatchNorm1d (eps 1e-5, momentum 0.1), ReLU. */
    private static Block block(int in, int out) {
        return new Sequential()
                .add(Layers.linear(in, out))
                .add(new BatchNorm(Init.ONES))
                .add(Lambda.relu());
    }
}
