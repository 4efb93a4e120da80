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
}
