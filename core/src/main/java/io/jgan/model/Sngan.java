package io.jgan.model;

import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * The ResNet generator and discriminator of SNGAN for 32x32 images (Miyato et al. 2018, appendix
 * B.4; as in Mimicry and PyTorch-StudioGAN), and a 28x28 variant, at a width that fits a CPU.
 *
 * <pre>
 * G: z -> Linear -> (W, s, s), s = 4 (32) or 7 (28)
 *    ResBlockUp x 3 (32) or 2 (28):  BN, ReLU, up x2, conv3x3, BN, ReLU, conv3x3  +  up x2, conv1x1
 *    BN, ReLU, conv3x3 to C, tanh
 * D: OptimizedBlock: conv3x3, ReLU, conv3x3, avgpool2  +  avgpool2, conv1x1      (side / 2)
 *    ResBlockDown x 1 (28) or 2 (32): ReLU, conv3x3, ReLU, conv3x3, avgpool2  +  conv1x1, avgpool2
 *    ResBlock: ReLU, conv3x3, ReLU, conv3x3  +  identity
 *    ReLU, sum over positions, Linear to 1
 * </pre>
 *
 * <p>Weights from U(-a, a) with a = sqrt(6 / (fan in + fan out)) (Xavier's uniform, the designs'
 * init), biases 0; up-sampling by nearest neighbour, down-sampling by 2x2 average. D has no batch
 * norm: with {@code --spectral-norm}, as the design intends, every layer is normalised instead.
 */
public final class Sngan {

    /** Feature maps of G's and D's blocks unless a model says otherwise (the paper's 256 and 128 need a GPU). */
    public static final int DEFAULT_WIDTH = 64;

    private Sngan() {}

    /**
     * A model's block width.
     *
     * @param m the model
     * @return its feature maps, or {@link #DEFAULT_WIDTH} when it names none
     */
    public static int width(io.jgan.config.ModelConfig m) {
        return m.gWidth(DEFAULT_WIDTH);
    }

    /**
     * The generator. A conditional one (the design's) sees z alone and the class through
     * conditional batch norm ({@link ConditionalBatchNorm}: a gain and a bias per class) in place
     * of every batch norm.
     *
     * @param latentDim z's size
     * @param classes 0, or K for a class-conditional G; its input is then (N, latent + K)
     * @param channels 1 or 3
     * @param side 28 or 32
     * @param w feature maps of every block
     * @return the block, (N, latent (+ K)) to (N, C*side*side) in [-1, 1]
     */
    public static Block generator(int latentDim, int classes, int channels, int side, int w) {
        int start = side == 28 ? 7 : 4;
        int ups = side == 28 ? 2 : 3;
        Sequential g = new Sequential()
                .add(new Linear((long) w * start * start, xavier(latentDim, (long) w * start * start), Init.ZEROS))
                .add(Lambda.reshapeChannelsLast(w, start, start)); // (N, W, s, s), NHWC
        for (int i = 0; i < ups; i++) {
            g.add(new Residual(new Sequential() // (N, W, s, s) to (N, W, 2s, 2s)
                    .add(batchNorm(classes)).add(Lambda.relu()).add(upsample()).add(conv3(w, w))
                    .add(batchNorm(classes)).add(Lambda.relu()).add(conv3(w, w)),
                    new Sequential().add(upsample()).add(conv1(w, w))));
        }
        g.add(batchNorm(classes)).add(Lambda.relu()).add(conv3(w, channels)) // (N, C, side, side)
                .add(Lambda.tanh())
                .add(Lambda.flatten());
        return classes == 0 ? g : new ClassConditional(latentDim, classes, g);
    }

    /**
     * The discriminator's features phi: (N, C*side*side), or with label maps (N, C*side*side + K),
     * to (N, W, end, end) after the last ReLU.
     */
    static Sequential features(int channels, int side, int classes, int w) {
        int in = channels + classes;
        Sequential d = new Sequential().add(classes == 0 ? Lambda.reshapeChannelsLast(channels, side, side)
                : Dcgan.withLabelMaps(channels, side, classes)); // (N, C (+ K), side, side)
        d.add(new Residual(new Sequential() // optimized first block: side / 2
                .add(conv3(in, w)).add(Lambda.relu()).add(conv3(w, w)).add(avgPool()),
                new Sequential().add(avgPool()).add(conv1(in, w))));
        int downs = side == 28 ? 1 : 2;
        for (int i = 0; i < downs; i++) {
            d.add(new Residual(new Sequential()
                    .add(Lambda.relu()).add(conv3(w, w)).add(Lambda.relu()).add(conv3(w, w)).add(avgPool()),
                    new Sequential().add(conv1(w, w)).add(avgPool())));
        }
        d.add(new Residual(new Sequential()
                .add(Lambda.relu()).add(conv3(w, w)).add(Lambda.relu()).add(conv3(w, w)),
                new Lambda(x -> x))); // identity shortcut
        return d.add(Lambda.relu()); // (N, W, 7, 7)
    }

    /**
     * The discriminator.
     *
     * @param channels 1 or 3
     * @param side 28 or 32
     * @param classes 0, or K for a conditional D that sees the class as label maps
     * @param w feature maps of every block
     * @return the block, to logits (N, 1)
     */
    public static Block discriminator(int channels, int side, int classes, int w) {
        return features(channels, side, classes, w).add(head(w));
    }

    /**
     * The conditional discriminator with a projection ({@link ProjectionDiscriminator}).
     *
     * @param channels 1 or 3
     * @param side 28 or 32
     * @param classes K
     * @param w feature maps of every block
     * @return the block, (N, C*side*side + K) to logits (N, 1)
     */
    public static Block projectionDiscriminator(int channels, int side, int classes, int w) {
        return new ProjectionDiscriminator((long) channels * side * side, classes, features(channels, side, 0, w),
                head(w), w);
    }

    /** psi: the features summed over positions, then a linear map to one logit: (N, W, s, s) to (N, 1). */
    private static Sequential head(int w) {
        return new Sequential()
                .add(new Lambda(x -> x.sum(new long[] {2, 3}, false, new ScalarTypeOptional()))) // (N, W)
                .add(new Linear(1, xavier(w, 1), Init.ZEROS));
    }

    private static Block conv3(int in, int out) {
        return new Conv2d(out, 3, 1, 1, xavier((long) in * 9, (long) out * 9), Init.ZEROS);
    }

    private static Block conv1(int in, int out) {
        return new Conv2d(out, 1, 1, 0, xavier(in, out), Init.ZEROS);
    }

    private static Block batchNorm(int classes) {
        return classes == 0 ? new BatchNorm(Init.ONES) : new ConditionalBatchNorm(classes);
    }

    /** Nearest-neighbour up-sampling by 2: (N, C, H, W) to (N, C, 2H, 2W). */
    private static Lambda upsample() {
        return new Lambda(x -> {
            long n = x.size(0);
            long c = x.size(1);
            long h = x.size(2);
            long w = x.size(3);
            // in NHWC order, the layout G's maps are in (a view of x when x is NHWC, as here):
            // each pixel's C values repeated 2 x 2, giving (N, C, 2H, 2W) laid out NHWC
            return x.permute(0, 2, 3, 1).reshape(n, h, 1, w, 1, c).expand(new long[] {n, h, 2, w, 2, c})
                    .reshape(n, 2 * h, 2 * w, c).permute(0, 3, 1, 2);
        });
    }

    /** 2x2 average pooling: (N, C, H, W) to (N, C, H/2, W/2). */
    private static Lambda avgPool() {
        return new Lambda(x -> torch.avg_pool2d(x, new long[] {2, 2}));
    }

    /** Xavier's uniform bound sqrt(6 / (fan in + fan out)), rounded to float32. */
    private static Init xavier(long fanIn, long fanOut) {
        return Init.uniform((float) Math.sqrt(6.0 / (fanIn + fanOut)));
    }
}
