package io.jgan.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Batch normalisation over axis 1 of (N, C) or (N, C, H, W), as {@code nn.BatchNorm1d/2d}: eps
 * 1e-5, running statistics updated with momentum 0.1 (running = 0.9 running + 0.1 batch, the
 * variance unbiased) in training, used in their place at inference.
 */
public final class BatchNorm extends Block {

    private static final double EPS = 1e-5;
    private static final double MOMENTUM = 0.1;

    private final Init gammaInit;
    private Tensor gamma;
    private Tensor beta;
    private Tensor runningMean;
    private Tensor runningVar;

    /**
     * @param gammaInit the scale's start: ones, or DCGAN's N(1, 0.02)
     */
    public BatchNorm(Init gammaInit) {
        this.gammaInit = gammaInit;
    }

    @Override
    protected void prepare(long[] inputShape) {
        long[] c = {inputShape[1]};
        gamma = addParameter("gamma", c, gammaInit, true);
        beta = addParameter("beta", c, Init.ZEROS, true);
        runningMean = addParameter("runningMean", c, Init.ZEROS, false);
        runningVar = addParameter("runningVar", c, Init.ONES, false);
    }

    @Override
    protected Tensor forwardInternal(Tensor x, boolean training) {
        return torch.batch_norm(x, new TensorOptional(gamma), new TensorOptional(beta), new TensorOptional(runningMean),
                new TensorOptional(runningVar), training, MOMENTUM, EPS, true);
    }
}
