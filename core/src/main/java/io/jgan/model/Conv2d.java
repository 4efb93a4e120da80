package io.jgan.model;

import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import java.util.ArrayDeque;
import java.util.Deque;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorBase;
import org.bytedeco.pytorch.TensorTensorHook;
import org.bytedeco.pytorch.global.torch;

/**
 * A square 2-D convolution, (N, Cin, H, W) to (N, filters, H', W'), weight (filters, Cin, k, k).
 *
 * <p>With {@link #transposedInputGradient()}, the input gradient is computed by the transposed
 * convolution, {@code dx = conv_transpose2d(dy, W)}, rather than by libtorch's convolution
 * backward, which for DCGAN's strided convolutions measured slower (1x28x28 to 32 maps, stride
 * 2, batch 128: input and weight gradients 13.1 ms together, the weight gradient alone 5.6 and
 * the transposed convolution 3.5). The presets bind no custom autograd function, so: the
 * convolution runs on {@code x.detach()}, and its own backward computes only dW; the output also
 * gets {@code 0 * sum(x - x.detach())}, zero in value, through which the graph reaches x; a hook
 * on the output takes dy, and a hook on {@code x - x.detach()} replaces the zero gradient
 * arriving there by {@code conv_transpose2d(dy, W)}, which flows on to x unchanged.
 *
 * <p>Which pass a hook belongs to: libtorch's backward runs the nodes made last first, so the
 * passes come back in the reverse of their forward order, and a pass's two hooks run one after
 * the other (only the zero term's two nodes lie between them). Each forward pass pushes its
 * convolution; the output hook pops the last one with dy, the link hook uses it. Two hook objects
 * serve the whole process (JavaCPP allows ten of a kind alive at once). The result is not twice
 * differentiable: {@link #exactGradients} turns it off where a gradient of a gradient is taken
 * (WGAN-GP's penalty). {@code DcganTest} checks dx and dW against libtorch's own backward.
 *
 * <p>Measured in the whole step, it does not pay here: {@code jgan bench --model dcgan} with it
 * on D's two strided convolutions ran 82.4, 86.4, 82.7 ms/iteration against 77.6, 79.5, 76.3
 * without (2-core Zen 3, alternated): the extra nodes, the two callbacks into Java and the lost
 * fusion cost more than the faster input gradient saves. So no model turns it on; it stays, with
 * its test, for machines where it measures faster.
 */
public final class Conv2d extends Block implements SpectralNorm.Layer {

    private final long filters;
    private final long kernel;
    private final long stride;
    private final long padding;
    private final Init weightInit;
    private final Init biasInit; // null: no bias
    private boolean transposedInputGradient;
    private int constantMaps; // K: the input's last K channels are constant maps (a class code), or 0
    private Tensor weight; // W, or W_orig with spectral normalisation
    private boolean spectral;
    private SpectralNorm sigma; // made with the weight when spectral, else null
    private Tensor bias;

    /**
     * @param filters output channels
     * @param kernel kernel side
     * @param stride stride
     * @param padding zero padding on each side
     * @param weightInit the weight's start
     * @param biasInit the bias's start, or null for no bias
     */
    public Conv2d(long filters, long kernel, long stride, long padding, Init weightInit, Init biasInit) {
        this.filters = filters;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.weightInit = weightInit;
        this.biasInit = biasInit;
    }

    /**
     * Computes the input gradient by the transposed convolution (see the class comment).
     *
     * @return this
     */
    public Conv2d transposedInputGradient() {
        this.transposedInputGradient = true;
        return this;
    }

    /**
     * Declares the input's last {@code k} channels constant over the image: a conditional D's
     * label maps, channel k holding the class code's bit k at every pixel. The layer then
     * convolves only the image channels and adds the code's part as {@code code @ T}, T (K,
     * filters*H'*W') the convolution of the K unit codes' maps, computed once per pass: the same
     * sum, since a convolution is linear in its input and the maps are code_k * 1 (zero padding
     * included). For DCGAN's D self-conditioned on 60 clusters this removes 60 of the first
     * layer's 61 input channels from the batch's convolution and its two gradients (Dcgan uses it
     * from {@code Dcgan.FOLDED_LABEL_MAPS} classes on, where it measured faster). The weight keeps its
     * (filters, C + K, k, k) shape and name. Only the value at pixel (0, 0) of each code map is
     * read.
     *
     * @param k the number of trailing constant channels
     * @return this
     */
    public Conv2d constantTrailingMaps(int k) {
        this.constantMaps = k;
        return this;
    }

    /**
     * Until closed, every convolution takes libtorch's own backward, which is twice differentiable.
     *
     * @return the region, to close in a try-with-resources
     */
    public static Exact exactGradients() {
        return new Exact();
    }

    /** A region of exact (twice differentiable) convolution gradients. */
    public static final class Exact implements AutoCloseable {
        private Exact() {
            synchronized (PASSES) {
                exact++;
            }
        }

        @Override
        public void close() {
            synchronized (PASSES) {
                exact--;
            }
        }
    }

    /**
     * Makes this layer spectrally normalised ({@link SpectralNorm}, as PyTorch's {@code
     * spectral_norm(layer)}): its weight is named {@code weight_orig}, with {@code weight_u} and
     * {@code weight_v} beside it. Call before the network is built.
     *
     * @return this
     */
    @Override
    public Conv2d spectralNorm() {
        this.spectral = true;
        return this;
    }

    @Override
    protected void prepare(long[] inputShape) {
        weight = addParameter(SpectralNorm.weightName(spectral), new long[] {filters, inputShape[1], kernel, kernel},
                weightInit, true);
        if (biasInit != null) {
            bias = addParameter("bias", new long[] {filters}, biasInit, true);
        }
        if (spectral) {
            sigma = SpectralNorm.attach(this, weight);
        }
    }

    @Override
    protected Tensor forwardInternal(Tensor x, boolean training) {
        if (sigma != null) { // W / sigma(W), differentiated through sigma as well: autograd's own backward
            Tensor w = sigma.apply(weight, training);
            return constantMaps > 0 ? convWithConstantMaps(x, w) : conv(x, w);
        }
        if (constantMaps > 0) {
            return convWithConstantMaps(x, weight);
        }
        if (!transposedInputGradient || !x.requires_grad() || !GradMode.is_enabled() || exactNow()) {
            return conv(x, weight);
        }
        Tensor y = conv(x.detach(), weight); // (N, filters, H', W'); its backward: dW (and db) only
        Tensor link = x.sub(x.detach()); // zero; d link / d x = identity
        Tensor out = y.add(link.sum().mul(new Scalar(0.0))); // y in value; the graph now reaches x
        synchronized (PASSES) {
            if (PASSES.size() >= MAX_PENDING) {
                PASSES.removeFirst(); // a forward pass never differentiated
            }
            PASSES.addLast(new Pass(this, x.size(2), x.size(3)));
        }
        out.register_hook(KEEP);
        link.register_hook(SUPPLY);
        return out;
    }

    private Tensor conv(Tensor x, Tensor w) {
        return Convolutions.conv2d(x, w, bias, stride, padding);
    }

    /**
     * x (N, C + K, H, W) whose last K channels are constant maps; W (filters, C + K, k, k). The
     * image's convolution plus code (N, K) @ T, T (K, filters, H', W') the convolution of the K
     * unit codes' maps.
     */
    private Tensor convWithConstantMaps(Tensor x, Tensor w) {
        long k = constantMaps;
        long c = x.size(1) - k;
        Tensor image = x.narrow(1, 0, c); // (N, C, H, W)
        Tensor code = x.narrow(1, c, k).select(3, 0).select(2, 0); // (N, K): each map's value
        Tensor y = conv(image, w.narrow(1, 0, c)); // (N, filters, H', W'), with the bias
        long filters = w.size(0);
        // unit code j's maps convolved with W[:, C + j]: one all-ones map against the K code
        // channels' kernels side by side, (filters * K, 1, k, k), so that the cost is one map's
        // convolution per code channel, not K maps' per unit code
        Tensor ones = Torch.full(1.0, 1, 1, x.size(2), x.size(3)).to(x.scalar_type()); // (1, 1, H, W)
        Tensor perChannel = Convolutions.conv2d(ones, w.narrow(1, c, k).reshape(filters * k, 1, kernel, kernel), null,
                stride, padding); // (1, filters * K, H', W')
        Tensor t = perChannel.reshape(filters, k, y.size(2), y.size(3)).permute(1, 0, 2, 3); // (K, filters, H', W')
        Tensor byCode = code.matmul(t.reshape(k, -1)).reshape(y.size(0), y.size(1), y.size(2), y.size(3)); // (N, filters, H', W')
        return y.add(byCode);
    }

    /** dx = conv_transpose2d(dy, W), padded back to exactly the input's (H, W). */
    private Tensor inputGradient(Tensor dy, long h, long w) {
        long[] extra = {h - ((dy.size(2) - 1) * stride - 2 * padding + kernel),
            w - ((dy.size(3) - 1) * stride - 2 * padding + kernel)};
        return Convolutions.convTranspose2d(dy, weight.detach().to(dy.scalar_type()), stride, padding, extra);
    }

    private record Pass(Conv2d conv, long h, long w) {}

    private static final int MAX_PENDING = 256;
    private static final Deque<Pass> PASSES = new ArrayDeque<>();
    private static int exact;
    private static Pass current;
    private static Tensor currentDy;

    private static boolean exactNow() {
        synchronized (PASSES) {
            return exact > 0;
        }
    }

    /** The output's hook: takes the last pass and its dy (N, filters, H', W'). */
    private static final TensorTensorHook KEEP = Scope.keep(new TensorTensorHook() {
        @Override
        public TensorBase call(TensorBase dy) {
            synchronized (PASSES) {
                current = PASSES.pollLast();
                currentDy = new Tensor(dy);
            }
            return dy;
        }
    }); // one object for the process, out of every scope

    /** The link's hook: the zero gradient (N, Cin, H, W) replaced by the pass's dx. */
    private static final TensorTensorHook SUPPLY = Scope.keep(new TensorTensorHook() {
        @Override
        public TensorBase call(TensorBase zero) {
            Pass p;
            Tensor dy;
            synchronized (PASSES) {
                p = current;
                dy = currentDy;
                current = null;
                currentDy = null;
            }
            if (p == null || dy == null) {
                throw new IllegalStateException("a convolution's input gradient was asked for before its output's");
            }
            Tensor dx = p.conv().inputGradient(dy, p.h(), p.w());
            if (dx.size(0) != zero.size(0) || dx.size(1) != zero.size(1) || dx.size(2) != zero.size(2)) {
                throw new IllegalStateException("convolution hooks out of order: dx " + Torch.shapeString(dx)
                        + " for an input " + Torch.shapeString(new Tensor(zero)));
            }
            return dx.to(zero.scalar_type());
        }
    });
}
