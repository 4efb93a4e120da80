package io.jgan.model;

import io.jgan.engine.Torch;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Spectral normalisation of a weight (Miyato et al. 2018), as {@code
 * torch.nn.utils.spectral_norm(layer)}: the layer uses {@code W / sigma(W)}, sigma the largest
 * singular value of W viewed as a matrix (out, in x kernel area), estimated by power iteration
 * with vectors u (out) and v (in x kernel area) that persist from one forward pass to the next.
 *
 * <p>The same state and names as PyTorch: the trained weight is {@code weight_orig}, the vectors
 * are {@code weight_u} and {@code weight_v} (kept, not trained: checkpointed, so a resumed run
 * goes on exactly), both start as N(0, 1) draws normalised to unit length, drawn after the
 * layer's own weights; every forward pass in training does one power iteration
 * ({@code v = normalize(W^T u)}, then {@code u = normalize(W v)}), and sigma is
 * {@code u . (W v)} with u and v held constant, so gradients flow through W only; at inference
 * u and v are used as they are.
 */
final class SpectralNorm {

    /** PyTorch's eps: a vector is divided by max(||x||, eps). */
    static final double EPS = 1e-12;

    /** A unit-length start: N(0, 1) draws divided by their norm (PyTorch's {@code normalize(normal_(0, 1))}). */
    static final Init UNIT_NORMAL = t -> {
        torch.normal_(t, 0, 1);
        t.div_(t.norm().clamp_min(new Scalar(EPS)));
    };

    /** A layer whose weight can be spectrally normalised (before its network is built). */
    interface Layer {
        /**
         * Makes the layer's weight spectrally normalised.
         *
         * @return the layer
         */
        Block spectralNorm();
    }

    private final Tensor u; // (out)
    private final Tensor v; // (in x kernel area)

    private SpectralNorm(Tensor u, Tensor v) {
        this.u = u;
        this.v = v;
    }

    /**
     * @param normalised whether the layer is spectrally normalised
     * @return the name of its trained weight: {@code weight_orig}, or plain {@code weight}
     */
    static String weightName(boolean normalised) {
        return normalised ? "weight_orig" : "weight";
    }

    /**
     * Makes u and v as parameters of the layer, after its own (the order spectral_norm(layer)
     * draws them in).
     *
     * @param owner the layer, in its {@code prepare}
     * @param weight its W_orig, (out, ...)
     * @return the normalisation of that weight
     */
    static SpectralNorm attach(Block owner, Tensor weight) {
        long out = weight.size(0);
        Tensor u = owner.addParameter("weight_u", new long[] {out}, UNIT_NORMAL, false);
        Tensor v = owner.addParameter("weight_v", new long[] {weight.numel() / out}, UNIT_NORMAL, false);
        return new SpectralNorm(u, v);
    }

    /**
     * The normalised weight.
     *
     * @param weight W_orig, (out, ...)
     * @param training whether to run the power iteration (u and v updated in place)
     * @return W_orig / sigma, W_orig's shape, differentiable w.r.t. W_orig
     */
    Tensor apply(Tensor weight, boolean training) {
        Tensor matrix = weight.reshape(weight.size(0), -1); // (out, in x kernel area)
        Tensor uNow = u;
        Tensor vNow = v;
        if (training) {
            try (Torch.NoGrad off = Torch.noGrad()) {
                Tensor m = Torch.toFloat(matrix.detach());
                v.copy_(unit(torch.mv(m.t(), u)));
                u.copy_(unit(torch.mv(m, v)));
            }
            uNow = u.clone(); // constants of this pass: a later pass's update must not reach its graph
            vNow = v.clone();
        }
        Tensor sigma = torch.dot(uNow, torch.mv(Torch.toFloat(matrix), vNow)); // () float32
        return weight.div(sigma);
    }

    /** x / max(||x||, eps). */
    private static Tensor unit(Tensor x) {
        return x.div(x.norm().clamp_min(new Scalar(EPS)));
    }
}
