package io.jgan.model;

import io.jgan.engine.Torch;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * libtorch's 2-D convolutions, run in whole blocks of 16 channels where this machine's oneDNN
 * computes partly filled blocks wrongly ({@link Torch#convolutionsNeedWholeChannelBlocks}).
 *
 * <p>oneDNN stores channels in blocks of 16. On an AMD Zen 5 (AVX-512, avx512_bf16), libtorch
 * 2.10's oneDNN returned wrong values, or NaN in whole channels, wherever a block was partly
 * filled: float32 input gradients of stride-1 convolutions to 3, 4 or 8 maps (relative error
 * 0.5-1.1 against float64), float32 transposed convolutions from 3 or 5 maps, and in bfloat16
 * nearly every output or input gradient with a channel count off a multiple of 16 (1, 3, 4, 5,
 * 8, 20, 24). DCGAN's G learned from garbage in its last layer in float32 and diverged by its
 * third step in bfloat16. Whole multiples of 16 were always right, and so was PyTorch 1.13 on
 * the same machine (BENCHMARKS.md, session 16). So there every convolution takes its input
 * with zero channels added up to a multiple of 16 and its weight with zero filters added to
 * match, and its output is cut back: zeros add nothing to a sum, so the output and every
 * gradient are the plain convolution's, and the extra channels cost only where a count is
 * small (G's last layer). A first layer's few input maps whose gradient is taken (D's one map in
 * G's step) skip oneDNN instead: a product of patches ({@link #unfolded}).
 */
final class Convolutions {

    static final long BLOCK = 16;

    private Convolutions() {}

    /**
     * {@code conv2d}: (N, Cin, H, W) with w (Cout, Cin, k, k) and an optional bias (Cout) to
     * (N, Cout, H', W').
     *
     * @param x input (N, Cin, H, W)
     * @param w weight (Cout, Cin, k, k)
     * @param bias (Cout), or null
     * @param stride stride
     * @param padding zero padding on each side
     * @return (N, Cout, H', W')
     */
    static Tensor conv2d(Tensor x, Tensor w, Tensor bias, long stride, long padding) {
        long[] none = {0, 0}; // output padding, a transposed convolution's only
        if (!Torch.convolutionsNeedWholeChannelBlocks(x)) {
            return plain(x, w, bias, stride, padding, false, none);
        }
        // A first layer's few input maps whose input gradient is taken (D in G's step) would be
        // padded to 16, 16x the multiply-adds of a 1-map input: one matrix product instead.
        return inputGradientTaken(x) && x.size(1) < BLOCK ? unfolded(x, w, bias, stride, padding)
                : inWholeBlocks(x, w, bias, stride, padding, false, none);
    }

    /**
     * {@code conv2d} as the product it is, without oneDNN: the input's k x k patches at the
     * output's L = H' W' positions ({@code im2col}, libtorch's own kernel, whose backward is
     * {@code col2im}) times the flattened weight. Every gradient is libtorch's autograd of those
     * two ops, so it is right whatever the channel counts. Where it pays: few input channels, as
     * D's first layer on 1-map images in G's step, which the whole-block path would pad to 16 maps
     * ({@code jgan bench --model dcgan}, 2-core Zen 5, five alternated rounds, median of the
     * medians: bf16 39.8 -> 37.0 ms/iteration, float32 50.3 -> 48.2, faster in all ten pairs). Not
     * for G's last layer (32 to 4 maps): there it measured 1.4x slower than padding.
     *
     * @param x input (N, Cin, H, W)
     * @param w weight (Cout, Cin, k, k)
     * @param bias (Cout), or null
     * @param stride stride
     * @param padding zero padding on each side
     * @return (N, Cout, H', W'), its memory laid out channels last (a permuted view)
     */
    static Tensor unfolded(Tensor x, Tensor w, Tensor bias, long stride, long padding) {
        long n = x.size(0);
        long cout = w.size(0);
        long k = w.size(2);
        long h = (x.size(2) + 2 * padding - k) / stride + 1; // H'
        long wd = (x.size(3) + 2 * padding - k) / stride + 1; // W'
        Tensor patches = torch.im2col(x, new long[] {k, k}, new long[] {1, 1}, new long[] {padding, padding},
                new long[] {stride, stride}); // (N, Cin k k, L), rows in the weight's (c, i, j) order
        // one product over every position of every image: (N L, Cin k k) x (Cin k k, Cout)
        Tensor y = patches.transpose(1, 2).reshape(n * h * wd, -1).matmul(w.reshape(cout, -1).t()) // (N L, Cout)
                .reshape(n, h, wd, cout).permute(0, 3, 1, 2); // (N, Cout, H', W')
        return bias == null ? y : y.add(bias.reshape(1, cout, 1, 1));
    }

    /**
     * {@code conv_transpose2d} without bias or output padding: (N, Cin, H, W) with w (Cin, Cout,
     * k, k) to (N, Cout, (H - 1) stride - 2 padding + k, ...).
     *
     * @param x input (N, Cin, H, W)
     * @param w weight (Cin, Cout, k, k)
     * @param stride stride
     * @param padding padding
     * @return (N, Cout, H', W')
     */
    static Tensor convTranspose2d(Tensor x, Tensor w, long stride, long padding) {
        return convTranspose2d(x, w, stride, padding, new long[] {0, 0});
    }

    /**
     * {@code conv_transpose2d} with output padding (extra rows and columns at the bottom and
     * right), without bias.
     *
     * @param x input (N, Cin, H, W)
     * @param w weight (Cin, Cout, k, k)
     * @param stride stride
     * @param padding padding
     * @param outputPadding {rows, columns} added
     * @return (N, Cout, H', W')
     */
    static Tensor convTranspose2d(Tensor x, Tensor w, long stride, long padding, long[] outputPadding) {
        return Torch.convolutionsNeedWholeChannelBlocks(x) ? inWholeBlocks(x, w, null, stride, padding, true, outputPadding)
                : plain(x, w, null, stride, padding, true, outputPadding);
    }

    /**
     * Either convolution with its channel counts padded by zeros to multiples of 16, the output
     * cut back.
     *
     * @param outputPadding {rows, columns} a transposed convolution adds ({0, 0} for a plain one)
     */
    static Tensor inWholeBlocks(Tensor x, Tensor w, Tensor bias, long stride, long padding, boolean transposed,
            long[] outputPadding) {
        long cin = x.size(1);
        long cout = transposed ? w.size(1) : w.size(0);
        // A convolution's input channels need whole blocks for its input gradient, or beyond one
        // block (20 channels gave a wrong float32 output); a first layer's 1 or 3 input maps
        // without an input gradient (D on real or generated images in its own step) were right,
        // and stay unpadded: padded, DCGAN's step took 47.2-48.6 ms in bf16 against 40.2-41.3
        // (float32 58.6-60.2 against 51.6-52.6; 2-core Zen 5, alternated). Not so through a 1x1
        // kernel: one map to 64 (SNGAN's first shortcut on MNIST) came out with a relative error
        // of 1.0 in bfloat16, so those take whole blocks (a 1x1 convolution of a few maps costs
        // little at 16).
        boolean padInput = transposed || cin > BLOCK || inputGradientTaken(x) || w.size(2) == 1;
        long inExtra = padInput ? whole(cin) - cin : 0;
        long outExtra = whole(cout) - cout;
        if (inExtra == 0 && outExtra == 0) {
            return plain(x, w, bias, stride, padding, transposed, outputPadding);
        }
        // constant_pad_nd pads from the last axis back: (left, right) per axis
        Tensor wideX = inExtra == 0 ? x : torch.constant_pad_nd(x, new long[] {0, 0, 0, 0, 0, inExtra}); // (N, Cin', H, W)
        Tensor wideW = torch.constant_pad_nd(w, transposed
                ? new long[] {0, 0, 0, 0, 0, outExtra, 0, inExtra} // (Cin', Cout', k, k)
                : new long[] {0, 0, 0, 0, 0, inExtra, 0, outExtra}); // (Cout', Cin', k, k)
        Tensor wideB = bias == null ? null : torch.constant_pad_nd(bias, new long[] {0, outExtra}); // (Cout')
        return plain(wideX, wideW, wideB, stride, padding, transposed, outputPadding).narrow(1, 0, cout); // (N, Cout, H', W')
    }

    /** @return whether the backward pass will ask for this input's gradient */
    private static boolean inputGradientTaken(Tensor x) {
        return x.requires_grad() && GradMode.is_enabled();
    }

    private static long whole(long channels) {
        return (channels + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static Tensor plain(Tensor x, Tensor w, Tensor bias, long stride, long padding, boolean transposed,
            long[] outputPadding) {
        TensorOptional b = bias == null ? new TensorOptional() : new TensorOptional(bias);
        long[] strides = {stride, stride};
        long[] pads = {padding, padding};
        long[] dilation = {1, 1};
        return transposed ? torch.conv_transpose2d(x, w, b, strides, pads, outputPadding, 1, dilation)
                : torch.conv2d(x, w, b, strides, pads, dilation, 1);
    }
}
