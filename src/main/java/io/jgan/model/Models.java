package io.jgan.model;

import ai.djl.nn.Block;
import io.jgan.config.ModelConfig;

/** Builds a family's networks from a {@link ModelConfig}; the only switch on the family name. */
public final class Models {

    private Models() {}

    /**
     * Returns a new, uninitialised generator block.
     *
     * @param model the validated model config
     * @return the generator architecture
     */
    public static Block generator(ModelConfig model) {
        return switch (model.family()) {
            case "mlp" -> MlpGan.generator(model.generatorInputDim(), model.dataDim());
            case "mlp-bn" -> BatchNormMlpGan.generator(model.generatorInputDim(), model.dataDim());
            case "toy" -> ToyMlp.generator(model.generatorInputDim());
            case "dcgan" -> Dcgan.generator(model.generatorInputDim(), model.channels(), model.height());
            case "pix2pix" -> new UNet(model.channels(), model.height());
            default -> throw new IllegalArgumentException("unvalidated model family " + model.family());
        };
    }

    /**
     * Returns a new, uninitialised discriminator block (it outputs logits).
     *
     * @param model the validated model config
     * @return the discriminator architecture
     */
    public static Block discriminator(ModelConfig model) {
        return switch (model.family()) {
            case "mlp" -> MlpGan.discriminator(model.discriminatorInputDim());
            case "mlp-bn" -> BatchNormMlpGan.discriminator(model.discriminatorInputDim());
            case "toy" -> ToyMlp.discriminator(model.discriminatorInputDim());
            case "dcgan" -> Dcgan.discriminator(model.channels(), model.height(), model.classes());
            case "pix2pix" -> UNet.patchDiscriminator(model.channels(), model.height());
            default -> throw new IllegalArgumentException("unvalidated model family " + model.family());
        };
    }

    /**
     * Whether D treats every sample independently in training (no batch normalisation), so that
     * real and generated samples may share one forward pass without changing the maths.
     *
     * @param model the model config
     * @return true for the MLP families; false for DCGAN, whose D has batch norm
     */
    public static boolean discriminatorIsPerSample(ModelConfig model) {
        return switch (model.family()) {
            case "mlp", "mlp-bn", "toy" -> true; // the MLP GANs and the toy: no batch norm in D
            default -> false;
        };
    }
}
