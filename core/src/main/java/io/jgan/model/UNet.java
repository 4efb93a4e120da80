package io.jgan.model;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * pix2pix's generator (Isola et al. 2017): a U-Net, an encoder of stride-2 convolutions and a
 * decoder of stride-2 up-samplings, where each decoder layer also sees the encoder's maps of the
 * same size (skip connections), so fine detail of the input reaches the output without passing
 * through the bottleneck. Batch norm except on the first encoder layer and the output;
 * LeakyReLU 0.2 in the encoder, ReLU in the decoder; dropout 0.5 in the innermost decoder
 * layers, kept at sampling time too: it is the noise of this GAN (the paper's z).
 *
 * <p>Flat interface as the other families: (N, C*S*S) in, (N, C*S*S) out, pixels in [-1, 1].
 * Sides 28 (28, 14, 7), 32 and 64 (down to 4x4), as {@link Dcgan}.
 */
public final class UNet extends Block {

    /** Feature maps of the first encoder layer; doubling inwards, at most {@link #MAX_WIDTH}. */
    static final int WIDTH = 32;
    static final int MAX_WIDTH = 128;

    private final int channels;
    private final int side;
    private final List<Block> encoders = new ArrayList<>();
    private final List<Block> decoders = new ArrayList<>();
    private final List<InvertedDropout> dropouts = new ArrayList<>();
    private final Block out;

    /**
     * @param channels image channels, in and out
     * @param side 28, 32 or 64
     */
    public UNet(int channels, int side) {
        this.channels = channels;
        this.side = side;
        int depth = Dcgan.upsamplings(side); // stride-2 layers: 28 -> 14 -> 7, 32 -> ... -> 4
        int[] widths = new int[depth];
        for (int i = 0; i < depth; i++) {
            widths[i] = Math.min(MAX_WIDTH, WIDTH << i);
        }
        for (int i = 0; i < depth; i++) {
            Sequential e = new Sequential().add(conv(widths[i]));
            if (i > 0) {
                e.add(batchNorm());
            }
            encoders.add(addChild("encoder" + i, e.add(Lambda.leakyRelu(0.2))));
        }
        // decoder i takes the maps of depth - i (the innermost first), doubles their side, and
        // outputs the width of encoder depth - 2 - i; its output is joined to that encoder's maps
        for (int i = 0; i < depth - 1; i++) {
            int width = widths[depth - 2 - i];
            decoders.add(addChild("decoder" + i, new Sequential().add(new Upsample2x(width)).add(batchNorm())
                    .add(Lambda.relu())));
            dropouts.add(new InvertedDropout(i < 2 ? 0.5f : 0f));
        }
        out = addChild("out", new Sequential().add(new Upsample2x(channels)).add(Lambda.tanh()));
    }

    @Override
    protected Tensor forwardInternal(Tensor input, boolean training) {
        // (N, C, S, S) laid out channels last, as DCGAN's maps (Lambda.reshapeChannelsLast): the
        // convolutions, batch norms and the skip connections' concatenations keep the layout
        Tensor x = Lambda.channelsLast(input.reshape(-1, channels, side, side));
        List<Tensor> skips = new ArrayList<>();
        for (Block e : encoders) {
            x = e.forward(x, training); // side halves
            skips.add(x);
        }
        for (int i = 0; i < decoders.size(); i++) {
            Tensor up = decoders.get(i).forward(x, training); // side doubles
            up = dropouts.get(i).forward(up, true); // noise, also when sampling
            x = torch.cat(new TensorVector(up, skips.get(skips.size() - 2 - i)), 1); // the skip connection
        }
        Tensor y = out.forward(x, training); // (N, C, S, S) in [-1, 1]
        return y.reshape(y.size(0), -1);
    }

    /**
     * pix2pix's discriminator, PatchGAN: it sees the image and its condition as stacked channels,
     * (N, 2C, S, S), and returns one logit per patch, (N, P*P), each judging a receptive field
     * of the image rather than the whole (the paper's 70x70 patches, scaled to these sides).
     *
     * @param channels image channels
     * @param side 28, 32 or 64
     * @return the block: (N, 2*C*S*S) (image, then condition, flattened) to (N, P*P) logits
     */
    public static Block patchDiscriminator(int channels, int side) {
        int downs = Math.max(2, Dcgan.upsamplings(side) - 1); // 28: 7x7 patches, 32: 8x8, 64: 8x8
        Sequential d = new Sequential()
                .add(Lambda.reshapeChannelsLast(2L * channels, side, side)) // (N, 2C, S, S), NHWC
                .add(conv(WIDTH)).add(Lambda.leakyRelu(0.2));
        int width = WIDTH;
        for (int i = 1; i < downs; i++) {
            width = Math.min(MAX_WIDTH, width * 2);
            d.add(conv(width)).add(batchNorm()).add(Lambda.leakyRelu(0.2));
        }
        Block logits = new Conv2d(1, 3, 1, 1, Init.normal(0, 0.02), Init.ZEROS);
        return d.add(logits) // (N, 1, P, P)
                .add(Lambda.flatten()); // (N, P*P)
    }

    /** Conv2d(kernel 4, stride 2, padding 1, no bias), N(0, 0.02): side halves. */
    private static Block conv(int filters) {
        return Dcgan.conv(filters, 4, 2, 1);
    }

    /** As DCGAN's: eps 1e-5, PyTorch momentum 0.1, scale from N(1, 0.02), shift 0. */
    private static Block batchNorm() {
        return Dcgan.batchNorm();
    }
}
