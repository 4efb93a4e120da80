package io.jgan.model;

import io.jgan.engine.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** Fully connected: (N, in) to (N, units), y = x W^T + b with W (units, in), as {@code nn.Linear}. */
public final class Linear extends Block {

    private final long units;
    private final Init weightInit;
    private final Init biasInit; // null: no bias
    private Tensor weight; // W, or W_orig with spectral normalisation
    private boolean spectral;
    private Tensor u; // spectral normalisation's vectors, or null
    private Tensor v;
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
    public Linear spectralNorm() {
        this.spectral = true;
        return this;
    }

    @Override
    protected void prepare(long[] inputShape) {
        weight = addParameter(spectral ? "weight_orig" : "weight", new long[] {units, inputShape[inputShape.length - 1]}, weightInit, true);
        if (biasInit != null) {
            bias = addParameter("bias", new long[] {units}, biasInit, true);
        }
        if (spectral) { // drawn after the layer's own weights, as spectral_norm(layer) draws them
            long[] w = Torch.shape(weight);
            long rest = 1;
            for (int d = 1; d < w.length; d++) {
                rest *= w[d];
            }
            u = addParameter("weight_u", new long[] {w[0]}, SpectralNorm.UNIT_NORMAL, false);
            v = addParameter("weight_v", new long[] {rest}, SpectralNorm.UNIT_NORMAL, false);
        }
    }

    @Override
    protected Tensor forwardInternal(Tensor x, boolean training) {
        Tensor w = spectral ? SpectralNorm.normalise(weight, u, v, training) : weight; // (units, in)
        return bias == null ? torch.linear(x, w) : torch.linear(x, w, new TensorOptional(bias));
    }
}
