package io.jgan.model;

import org.bytedeco.pytorch.Tensor;

/**
 * Conditional batch normalisation (de Vries et al. 2017; the class-conditional G of Miyato and
 * Koyama 2018): batch norm without a scale and shift of its own, then a per-class gain and bias,
 * {@code gamma[y] * BN(x) + beta[y]}. beta starts at zeros and gamma at ones (SNGAN's G), so a new
 * layer is plain batch norm for every class, or drawn around one (DCGAN's G), so classes differ
 * from the first step.
 *
 * <p>The class comes from the {@link ClassConditional} block around the generator (the
 * current batch's one-hot codes, (N, K)), not through the layer's input, so it can sit anywhere
 * inside a {@link Sequential}.
 */
public final class ConditionalBatchNorm extends Block {

    private final int classes;
    private final Init gammaInit;
    private final BatchNorm normalise;
    private Tensor gamma; // (K, C)
    private Tensor beta; // (K, C)

    /**
     * @param classes K
     */
    public ConditionalBatchNorm(int classes) {
        this(classes, Init.ONES);
    }

    /**
     * @param classes K
     * @param gammaInit the per-class gains' start (DCGAN draws its batch-norm scales from N(1, 0.02))
     */
    public ConditionalBatchNorm(int classes, Init gammaInit) {
        this.classes = classes;
        this.gammaInit = gammaInit;
        this.normalise = addChild(BatchNorm.withoutAffine());
    }

    @Override
    protected void prepare(long[] inputShape) {
        long[] kc = {classes, inputShape[1]};
        gamma = addParameter("gamma", kc, gammaInit, true);
        beta = addParameter("beta", kc, Init.ZEROS, true);
    }

    @Override
    protected Tensor forwardInternal(Tensor x, boolean training) { // x: (N, C) or (N, C, H, W)
        Tensor y = ClassConditional.current(x.size(0)); // (N, K) one-hot
        Tensor h = normalise.forward(x, training);
        long[] perSample = x.dim() == 2 ? new long[] {x.size(0), x.size(1)} : new long[] {x.size(0), x.size(1), 1, 1};
        return h.mul(y.matmul(gamma).view(perSample)).add(y.matmul(beta).view(perSample));
    }
}
