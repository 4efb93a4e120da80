package io.jgan.model;

/**
 * The toy of 'GANs — Illustrated, explained and coded': two tiny MLPs for one-pixel "images" in [-1, 1].
 * Small enough to learn a 1-D
 * Gaussian in seconds on a CPU, which makes it the learning test of the whole training loop.
 */
public final class ToyMlp {

    private static final int HIDDEN = 32;

    private ToyMlp() {}

    /**
     * The generator: z (N, latentDim) to a value (N, 1) in [-1, 1].
     *
     * @param latentDim noise size
     * @return the block
     */
    public static Block generator(int latentDim) {
        return new Sequential()
                .add(Layers.linear(latentDim, HIDDEN)) // (N, 32)
                .add(Lambda.leakyRelu(0.2))
                .add(Layers.linear(HIDDEN, HIDDEN)) // (N, 32)
                .add(Lambda.leakyRelu(0.2))
                .add(Layers.linear(HIDDEN, 1)) // (N, 1)
                .add(Lambda.tanh());
    }

    /**
     * The discriminator: a value (N, 1) to a logit (N, 1).
     *
     * @param inputDim 1, plus the class count of a conditional toy
     * @return the block
     */
    public static Block discriminator(int inputDim) {
        return new Sequential()
                .add(Layers.linear(inputDim, HIDDEN)) // (N, 32)
                .add(Lambda.leakyRelu(0.2))
                .add(Layers.linear(HIDDEN, HIDDEN)) // (N, 32)
                .add(Lambda.leakyRelu(0.2))
                .add(Layers.linear(HIDDEN, 1)); // (N, 1) logit
    }
}
