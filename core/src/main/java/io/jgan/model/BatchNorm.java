package io.jgan.model;

import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorBase;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorTensorHook;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Batch normalisation over axis 1 of (N, C) or (N, C, H, W), as {@code nn.BatchNorm1d/2d}: eps
 * 1e-5, running statistics updated with momentum 0.1 (running = 0.9 running + 0.1 batch, the
 * variance unbiased) in training, used in their place at inference.
 *
 * <p>Synchronised (as {@code nn.SyncBatchNorm}) once given a {@link Sync}: the batch statistics
 * are those of the global batch, all ranks' shards together. Each rank sums x and x^2 per
 * channel, the sums are summed over the ranks, and mean and variance come from the totals; in the
 * backward pass the gradient reaching those totals is summed over the ranks too (a hook), since
 * every rank's loss depends on every rank's rows through them.
 */
public final class BatchNorm extends Block {

    private static final double EPS = 1e-5;
    private static final double MOMENTUM = 0.1;

    /** Sums a tensor over the ranks of a data-parallel job, in place. */
    @FunctionalInterface
    public interface Sync {
        /**
         * @param t a contiguous tensor, the same shape on every rank; holds the sum afterwards
         */
        void sumInPlace(Tensor t);
    }

    private final Init gammaInit;
    private Tensor gamma;
    private Tensor beta;
    private Tensor runningMean;
    private Tensor runningVar;
    private Sync sync; // null: this process's batch only
    private TensorTensorHook sumGradient; // the backward half of the sum over ranks

    /**
     * @param gammaInit the scale's start: ones, or DCGAN's N(1, 0.02)
     */
    public BatchNorm(Init gammaInit) {
        this.gammaInit = gammaInit;
    }

    /**
     * Normalisation only, no scale or shift of its own (PyTorch's {@code affine=False}): for a
     * layer whose scale and shift come from elsewhere, e.g. per class ({@link ConditionalBatchNorm}).
     *
     * @return the block
     */
    public static BatchNorm withoutAffine() {
        return new BatchNorm(null);
    }

    /**
     * Makes training use the global batch's statistics from now on.
     *
     * @param s the ranks' sum
     */
    public void synchronise(Sync s) {
        this.sync = s;
        this.sumGradient = Scope.keep(new TensorTensorHook() {
            @Override
            public TensorBase call(TensorBase grad) {
                Tensor g = new Tensor(grad).clone(); // (2C + 1) float64: dL_rank / d(totals)
                s.sumInPlace(g); // dL / d(totals), L the sum of every rank's loss
                return g;
            }
        }); // one per layer, for the life of the process (libtorch calls it back)
    }

    @Override
    protected void prepare(long[] inputShape) {
        long[] c = {inputShape[1]};
        if (gammaInit != null) {
            gamma = addParameter("gamma", c, gammaInit, true);
            beta = addParameter("beta", c, Init.ZEROS, true);
        }
        runningMean = addParameter("runningMean", c, Init.ZEROS, false);
        runningVar = addParameter("runningVar", c, Init.ONES, false);
    }

    @Override
    protected Tensor forwardInternal(Tensor x, boolean training) {
        if (sync != null && training) {
            return synchronisedForward(x);
        }
        return torch.batch_norm(x, gamma == null ? new TensorOptional() : new TensorOptional(gamma),
                beta == null ? new TensorOptional() : new TensorOptional(beta), new TensorOptional(runningMean),
                new TensorOptional(runningVar), training, MOMENTUM, EPS, true);
    }

    /** Training with the global batch's statistics: x (N, C) or (N, C, H, W), N this rank's rows. */
    private Tensor synchronisedForward(Tensor x) {
        int dims = (int) x.dim();
        long c = x.size(1);
        long[] reduce = dims == 2 ? new long[] {0} : new long[] {0, 2, 3};
        long[] perChannel = dims == 2 ? new long[] {1, c} : new long[] {1, c, 1, 1};
        // float64 sums: the variance is E[x^2] - E[x]^2, which float32 would round away
        Tensor xd = x.to(torch.ScalarType.Double);
        Tensor count = Torch.full((double) (x.numel() / c), 1).to(torch.ScalarType.Double); // (1)
        Tensor local = torch.cat(new TensorVector(xd.sum(reduce, false, new ScalarTypeOptional()),
                xd.square().sum(reduce, false, new ScalarTypeOptional()), count)); // (2C + 1)
        Tensor summed = local.detach().clone();
        sync.sumInPlace(summed); // the totals over the ranks
        // value: the totals; gradient: into this rank's sums, after the hook has summed it over the ranks
        Tensor totals = local.add(summed.sub(local.detach()));
        if (totals.requires_grad()) {
            totals.register_hook(sumGradient);
        }
        double m = Torch.item(summed.narrow(0, 2 * c, 1)); // rows x pixels over all ranks
        Tensor mean = totals.narrow(0, 0, c).div(new Scalar(m)); // (C)
        Tensor variance = totals.narrow(0, c, c).div(new Scalar(m)).sub(mean.square()); // (C), biased
        try (Torch.NoGrad off = Torch.noGrad()) {
            runningMean.mul_(new Scalar(1 - MOMENTUM)).add_(mean.to(torch.ScalarType.Float).mul(new Scalar(MOMENTUM)));
            runningVar.mul_(new Scalar(1 - MOMENTUM)).add_(variance.to(torch.ScalarType.Float)
                    .mul(new Scalar(MOMENTUM * m / Math.max(1, m - 1)))); // unbiased, as PyTorch keeps it
        }
        Tensor scale = variance.add(new Scalar(EPS)).rsqrt().to(torch.ScalarType.Float); // (C)
        if (gamma != null) {
            scale = scale.mul(gamma);
        }
        // (x - mean) first, as libtorch's kernel does: x * scale - mean * scale would lose the
        // digits of x's deviation when the mean is large against the spread
        Tensor y = x.sub(mean.to(torch.ScalarType.Float).view(perChannel)).mul(scale.view(perChannel));
        return beta == null ? y : y.add(beta.view(perChannel));
    }
}
