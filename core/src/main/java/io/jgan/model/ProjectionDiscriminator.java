package io.jgan.model;

import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;

/**
 * A class-conditional discriminator with a projection (Miyato and Koyama 2018, "cGANs with
 * Projection Discriminator"): the image alone goes through the convolutional features phi, and
 * the class enters only at the end, as an inner product with the pooled features:
 *
 * <pre>
 * D(x, y) = psi(phi(x)) + &lt;embed(y), sum over positions of phi(x)&gt;
 * </pre>
 *
 * <p>Input (N, C*H*W + K): the flattened image, then the one-hot class (jgan's conditional
 * layout, so data, sampling and evaluation are unchanged); output (N, 1) logits. {@code embed}
 * is a bias-free linear map of the one-hot code, i.e. one row of features per class.
 */
public final class ProjectionDiscriminator extends Block {

    private final long pixels;
    private final int classes;
    private final Block features;
    private final Block head;
    private final Linear embed;

    /**
     * @param pixels C*H*W, the image part of the input
     * @param classes K
     * @param features phi: (N, C*H*W) to (N, F, S, S)
     * @param head psi: (N, F, S, S) to (N, 1)
     * @param featureChannels F
     */
    public ProjectionDiscriminator(long pixels, int classes, Block features, Block head, long featureChannels) {
        this.pixels = pixels;
        this.classes = classes;
        this.features = addChild(features);
        this.head = addChild(head);
        this.embed = addChild(new Linear(featureChannels, Init.normal(0, 0.02), null));
    }

    @Override
    protected Tensor forwardInternal(Tensor x, boolean training) {
        Tensor image = x.narrow(1, 0, pixels); // (N, C*H*W)
        Tensor y = x.narrow(1, pixels, classes); // (N, K) one-hot
        Tensor h = features.forward(image, training); // (N, F, S, S)
        Tensor logit = head.forward(h, training); // (N, 1)
        Tensor pooled = h.sum(new long[] {2, 3}, false, new ScalarTypeOptional()); // (N, F)
        Tensor projection = embed.forward(y, training).mul(pooled)
                .sum(new long[] {1}, true, new ScalarTypeOptional()); // (N, 1)
        return logit.add(projection);
    }
}
