package io.jgan.model;

/**
 * The MLP GAN of 'GANs from Scratch 1' (Diego Gomez Mosquera): fully connected, LeakyReLU(0.2).
 *
 * <p>D returns a logit; the sigmoid lives inside the loss (numerically stable BCE, same maths).
 */
public final class MlpGan {

    private MlpGan() {}

    /**
     * The generator: z (N, latentDim) to an image (N, dataDim) in [-1, 1].
     *
     * @param latentDim 100 in the tutorial
     * @param dataDim 784 for 28x28
     * @return the block
     */
    public static Block generator(int latentDim, int dataDim) {
        return new Sequential()
                .add(Layers.linear(latentDim, 256)) // (N, 256)
                .add(Lambda.leakyRelu(0.2))
                .add(Layers.linear(256, 512)) // (N, 512)
                .add(Lambda.leakyRelu(0.2))
                .add(Layers.linear(512, 1024)) // (N, 1024)
                .add(Lambda.leakyRelu(0.2))
                .add(Layers.linear(1024, dataDim)) // (N, 784)
                .add(Lambda.tanh()); // pixels in [-1, 1], as the data
    }

    /**
     * The discriminator: an image (N, dataDim) to a logit (N, 1); dropout 0.3 after each hidden layer.
     *
     * @param dataDim 784 for 28x28
     * @return the block
     */
    public static Block discriminator(int dataDim) {
        return new Sequential()
                .add(Layers.linear(dataDim, 1024)) // (N, 1024)
                .add(Lambda.leakyRelu(0.2))
                .add(new InvertedDropout(0.3f))
                .add(Layers.linear(1024, 512)) // (N, 512)
                .add(Lambda.leakyRelu(0.2))
                .add(new InvertedDropout(0.3f))
                .add(Layers.linear(512, 256)) // (N, 256)
                .add(Lambda.leakyRelu(0.2))
                .add(new InvertedDropout(0.3f))
                .add(Layers.linear(256, 1)); // (N, 1) logit; D(x) = sigmoid(logit)
    }
}
