package io.jgan.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** Fully connected: (N, in) to (N, units), y = x W^T + b with W (units, in), as {@code nn.Linear}. */
public final class Linear extends Block {

    private final long units;
    private final Init weightInit;
    private final Init biasInit; // null: no bias
    private Tensor weight;
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

    @Override
    protected void prepare(long[] inputShape) {
        weight = addParameter("weight", new long[] {units, inputShape[inputShape.length - 1]}, weightInit, true);
        if (biasInit != null) {
            bias = addParameter("bias", new long[] {units}, biasInit, true);
        }
    }

    @Override
    protected Tensor forwardInternal(Tensor x, boolean training) {
        return bias == null ? torch.linear(x, weight) : torch.linear(x, weight, new TensorOptional(bias));
    }
}
