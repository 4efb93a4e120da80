package io.jgan.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** Fully connected: (N, in) to (N, units), y = x W^T + b with W (units, in), as {@code nn.Linear}. */
public final class Linear extends Block implements SpectralNorm.Layer {

    private final long units;
    private final Init weightInit;
    private final Init biasInit; // null: no bias
    private Tensor weight; // W, or W_orig with spectral normalisation
    private boolean spectral;
    private SpectralNorm sigma; // made with the weight when spectral, else null
    private Tensor bias;

    /**
     * @param units output features
     * @param weightInit the weight's start
     * @param biasInit the bias's start, or null for no bias
     */
    public Linear(long units, Init weightInit, Init biasInit) {
        this.units = units;
        this.weightInit = weightInit;
        this.biasInit = biasInit;
    }

    /**
     * Makes this layer spectrally normalised ({@link SpectralNorm}, as PyTorch's {@code
     * spectral_norm(layer)}): its weight is named {@code weight_orig}, with {@code weight_u} and
     * {@code weight_v} beside it. Call before the network is built.
     *
     * @return this
     */
    @Override
    public Linear spectralNorm() {
        this.spectral = true;
        return this;
    }

    @Override
    protected void prepare(long[] inputShape) {
        weight = addParameter(SpectralNorm.weightName(spectral), new long[] {units, inputShape[inputShape.length - 1]},
                weightInit, true);
        if (biasInit != null) {
            bias = addParameter("bias", new long[] {units}, biasInit, true);
        }
        if (spectral) {
            sigma = SpectralNorm.attach(this, weight);
        }
    }

    @Override
    protected Tensor forwardInternal(Tensor x, boolean training) {
        Tensor w = sigma == null ? weight : sigma.apply(weight, training); // (units, in)
        return bias == null ? torch.linear(x, w) : torch.linear(x, w, new TensorOptional(bias));
    }
}
