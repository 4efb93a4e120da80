package io.jgan.model;

import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** A block without parameters: an activation or a reshape. */
public final class Lambda extends Block {

    private final UnaryOperator<Tensor> function;

    /**
     * @param function the block's function
     */
    public Lambda(UnaryOperator<Tensor> function) {
        this.function = function;
    }

    @Override
    protected String kind() {
        return "LambdaBlock";
    }

    @Override
    protected Tensor forwardInternal(Tensor x, boolean training) {
        return function.apply(x);
    }

    /**
     * LeakyReLU.
     *
     * @param slope the negative slope, 0.2 in the tutorials
     * @return the block
     */
    public static Lambda leakyRelu(double slope) {
        return new Lambda(x -> torch.leaky_relu(x, new Scalar(slope)));
    }

    /** @return ReLU */
    public static Lambda relu() {
        return new Lambda(torch::relu);
    }

    /** @return tanh */
    public static Lambda tanh() {
        return new Lambda(torch::tanh);
    }

    /** @return the logistic sigmoid */
    public static Lambda sigmoid() {
        return new Lambda(torch::sigmoid);
    }

    /** @return (N, ...) to (N, product of the rest) */
    public static Lambda flatten() {
        return new Lambda(x -> x.reshape(x.size(0), -1));
    }

    /**
     * (N, C*H*W) to (N, C, H, W).
     *
     * @param c channels
     * @param h height
     * @param w width
     * @return the block
     */
    public static Lambda reshape(long c, long h, long w) {
        return new Lambda(x -> x.reshape(-1, c, h, w));
    }

    /**
     * (N, C*H*W) to (N, C, H, W) with its memory laid out channels last (NHWC), for a network of
     * convolutions: oneDNN's convolutions take and give NHWC as it is, while from the default
     * NCHW layout each convolution and each of its gradients reorders its input into oneDNN's
     * blocked layout and its output back (DCGAN in bf16: 53 such copies an iteration, a fifth of
     * the convolutions' time). Same values, same shape: only the strides differ, and every later
     * layer (batch norm, activations, convolutions) keeps them.
     *
     * @param c channels
     * @param h height
     * @param w width
     * @return the block
     */
    public static Lambda reshapeChannelsLast(long c, long h, long w) {
        return new Lambda(x -> channelsLast(x.reshape(-1, c, h, w)));
    }

    /**
     * x with the same values laid out channels last.
     *
     * @param x (N, C, H, W)
     * @return (N, C, H, W) whose strides are (H W C, 1, W C, C)
     */
    static Tensor channelsLast(Tensor x) {
        if (x.size(1) == 1) {
            // One map: NCHW and NHWC hold the same bytes, and contiguous(ChannelsLast) returns the
            // tensor as it is, NCHW strides and all, which libtorch then reads as NCHW. A view
            // with NHWC's strides says which layout is meant, without a copy.
            return x.contiguous().reshape(x.size(0), x.size(2), x.size(3), 1).permute(0, 3, 1, 2);
        }
        return x.contiguous(torch.MemoryFormat.ChannelsLast);
    }
}
