package io.jgan.model;

import org.bytedeco.pytorch.Tensor;

/**
 * DCGAN discriminator's last layer, Conv2d(C, 1, kernel S, stride 1, padding 0, no bias) over
 * an S x S map: (N, C, S, S) to (N, 1, 1, 1) logits, computed as the matrix product it is.
 *
 * <p>A kernel that covers the whole map has exactly one position, so the convolution is
 * sum over (c, i, j) of x[c][i][j] * w[c][i][j]: the flattened map (N, C*S*S) times the
 * flattened kernel (C*S*S, 1), in the same (c, i, j) order. Why not {@code Conv2d}: oneDNN
 * runs a one-output-channel convolution at well under 1 GFLOP/s (measured 4.5-6 ms for the
 * forward and backward of (128, 64, 7, 7) against 1.6-3.3 ms as a product, harness included).
 * The weight keeps the convolution's shape (1, C, S, S), so checkpoints written with the
 * {@code Conv2d} layer (whose tensor name {@link #formerName} maps) load unchanged.
 */
public final class WholeMapConv extends Block implements SpectralNorm.Layer {

    private Tensor weight; // W, or W_orig with spectral normalisation
    private boolean spectral;
    private SpectralNorm sigma; // made with the weight when spectral, else null

    /**
     * Makes this layer spectrally normalised ({@link SpectralNorm}); call before the network is built.
     *
     * @return this
     */
    @Override
    public WholeMapConv spectralNorm() {
        this.spectral = true;
        return this;
    }

    /**
     * The name this layer's weight had when it was a {@code Conv2d} block.
     *
     * @param current a parameter name, e.g. {@code 08WholeMapConv_weight}
     * @return its former name, e.g. {@code 08Conv2d_weight}; other names unchanged
     */
    public static String formerName(String current) {
        return current.replaceFirst("^(\\d\\d)WholeMapConv_weight$", "$1Conv2d_weight");
    }

    @Override
    protected void prepare(long[] inputShape) { // (N, C, S, S)
        weight = addParameter(SpectralNorm.weightName(spectral), new long[] {1, inputShape[1], inputShape[2],
            inputShape[3]}, Init.normal(0, 0.02), true);
        if (spectral) {
            sigma = SpectralNorm.attach(this, weight);
        }
    }

    @Override
    protected Tensor forwardInternal(Tensor x, boolean training) {
        long n = x.size(0); // x: (N, C, S, S)
        long k = weight.numel(); // C*S*S
        Tensor w = sigma == null ? weight : sigma.apply(weight, training); // (1, C, S, S)
        // The sum taken in (i, j, c) order: x laid out channels last (Lambda.reshapeChannelsLast)
        // is then flattened as a view, and its gradient comes back in that layout, not NCHW.
        Tensor kernel = w.permute(0, 2, 3, 1).reshape(k, 1); // (S*S*C, 1)
        return x.permute(0, 2, 3, 1).reshape(n, k).matmul(kernel).reshape(n, 1, 1, 1); // (N, 1) logits as (N, 1, 1, 1)
    }
}
