package io.jgan.train;

import io.jgan.JganException;
import io.jgan.engine.Torch;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Differentiable augmentation (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient
 * GAN Training"): D sees every image, real or generated, through the same random transforms, in
 * both half-steps, and the transforms are made of differentiable tensor operations so that G's
 * gradient passes through them. With little data D then cannot memorise the training images.
 *
 * <p>The policies are the paper's, with its constants: {@code color} (brightness + U(-0.5, 0.5),
 * saturation x U(0, 2) about each pixel's channel mean, contrast x U(0.5, 1.5) about the image
 * mean), {@code translation} (a shift of up to 1/8 of the side each way, zeros shifted in),
 * {@code cutout} (a square of half the side set to zero, its centre anywhere in the image). Each
 * image draws its own parameters from the engine's seeded generator, so runs repeat; under data
 * parallelism they are drawn for the whole global batch and cut to the rank's rows.
 *
 * <p>With a probability p below 1 (ADA's p, Karras et al. 2020, "Training Generative Adversarial
 * Networks with Limited Data") each image goes through each policy with probability p and
 * otherwise passes that policy unchanged: D sees some images as they are, so it learns the data's
 * own look sooner, while it still cannot memorise them. The draws for p follow each policy's own
 * draws, and none are made at p = 1, so p = 1 repeats DiffAugment's runs exactly.
 */
public final class DiffAugment {

    /** The policies, in the order they are applied. */
    public static final List<String> POLICIES = io.jgan.config.TrainConfig.AUGMENT_POLICIES;

    private final boolean color;
    private final boolean translation;
    private final boolean cutout;
    private final int channels;
    private final int height;
    private final int width;
    private final double p;

    private DiffAugment(boolean color, boolean translation, boolean cutout, int channels, int height, int width,
            double p) {
        this.p = p;
        this.color = color;
        this.translation = translation;
        this.cutout = cutout;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /**
     * Parses a policy list.
     *
     * @param policy comma-separated policies, e.g. {@code translation,cutout}; empty for none
     * @param channels image channels
     * @param height image height
     * @param width image width
     * @return the augmentation, or null for none
     * @throws JganException naming an unknown policy, or images too small to augment
     */
    public static DiffAugment of(String policy, int channels, int height, int width) {
        return of(policy, channels, height, width, 1);
    }

    /**
     * Parses a policy list, each policy applied to an image with probability p.
     *
     * @param policy comma-separated policies, e.g. {@code translation,cutout}; empty for none
     * @param channels image channels
     * @param height image height
     * @param width image width
     * @param p the probability of each policy per image, in (0, 1]
     * @return the augmentation, or null for none
     * @throws JganException naming an unknown policy, a p outside (0, 1], or images too small to augment
     */
    public static DiffAugment of(String policy, int channels, int height, int width, double p) {
        if (policy == null || policy.isBlank()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (String given : policy.toLowerCase(Locale.ROOT).split(",")) {
            String name = given.trim();
            if (!POLICIES.contains(name)) {
                throw new JganException(JganException.USAGE, "unknown --augment policy '" + name + "': use a"
                        + " comma-separated list of " + String.join(", ", POLICIES));
            }
            names.add(name);
        }
        if (height < 8 || width < 8) {
            throw new JganException(JganException.USAGE, "--augment needs images of at least 8x8 pixels, and these are "
                    + height + "x" + width);
        }
        if (!(p > 0 && p <= 1)) {
            throw new JganException(JganException.USAGE, "--augment-p must be in (0, 1], got " + p);
        }
        return new DiffAugment(names.contains("color"), names.contains("translation"), names.contains("cutout"),
                channels, height, width, p);
    }

    /**
     * Augments a batch of flattened images.
     *
     * @param x (N, C*H*W) images, possibly followed by label columns which are left alone
     * @param dp the ranks: parameters are drawn for the global batch of {@code global} rows
     * @param global rows of the global batch x is this rank's part of
     * @return (N, same columns), differentiable w.r.t. x
     */
    Tensor apply(Tensor x, DataParallel dp, long global) {
        long pixels = (long) channels * height * width;
        Tensor labels = x.size(1) > pixels ? x.narrow(1, pixels, x.size(1) - pixels) : null;
        Tensor img = x.narrow(1, 0, pixels).reshape(-1, channels, height, width); // (N, C, H, W)
        long n = img.size(0);
        if (color) {
            Tensor b = dp.local(Torch.rand(global)).sub(new Scalar(0.5)); // (N) each: the paper's range
            Tensor sat = dp.local(Torch.rand(global)).mul(new Scalar(2.0));
            Tensor con = dp.local(Torch.rand(global)).add(new Scalar(0.5));
            if (p < 1) { // an image left out gets the identity: brightness 0, saturation and contrast 1
                Tensor on = Torch.tensor(chosen(dp, global), n);
                b = b.mul(on);
                sat = sat.sub(new Scalar(1.0)).mul(on).add(new Scalar(1.0));
                con = con.sub(new Scalar(1.0)).mul(on).add(new Scalar(1.0));
            }
            img = contrast(saturation(brightness(img, b), sat), con);
        }
        if (translation) {
            int sx = (int) (height * 0.125 + 0.5);
            int sy = (int) (width * 0.125 + 0.5);
            long[] tx = longs(dp.local(torch.randint(-sx, sx + 1, new long[] {global}, Torch.longs())));
            long[] ty = longs(dp.local(torch.randint(-sy, sy + 1, new long[] {global}, Torch.longs())));
            if (p < 1) { // an image left out is shifted by (0, 0)
                float[] on = chosen(dp, global);
                for (int b = 0; b < n; b++) {
                    tx[b] *= (long) on[b];
                    ty[b] *= (long) on[b];
                }
            }
            img = translate(img, tx, ty);
        }
        if (cutout) {
            int cx = (int) (height * 0.5 + 0.5);
            int cy = (int) (width * 0.5 + 0.5);
            long[] ox = longs(dp.local(torch.randint(0, height + (1 - cx % 2), new long[] {global}, Torch.longs())));
            long[] oy = longs(dp.local(torch.randint(0, width + (1 - cy % 2), new long[] {global}, Torch.longs())));
            float[] on = p < 1 ? chosen(dp, global) : null; // an image left out keeps every pixel
            img = img.mul(cutoutMask(n, height, width, cx, cy, ox, oy, on).unsqueeze(1));
        }
        Tensor flat = img.reshape(n, pixels);
        return labels == null ? flat : torch.cat(new org.bytedeco.pytorch.TensorVector(flat, labels), 1);
    }

    /** @return (N) this rank's rows of the global batch's draws: 1 where an image goes through the policy (probability p), else 0 */
    private float[] chosen(DataParallel dp, long global) {
        float[] u = Torch.floats(dp.local(Torch.rand(global)));
        for (int i = 0; i < u.length; i++) {
            u[i] = u[i] < p ? 1f : 0f;
        }
        return u;
    }

    /** x + r per image: x (N, C, H, W), r (N). */
    static Tensor brightness(Tensor x, Tensor r) {
        return x.add(r.view(-1, 1, 1, 1));
    }

    /** (x - channel mean) * r + channel mean, per pixel: x (N, C, H, W), r (N). */
    static Tensor saturation(Tensor x, Tensor r) {
        Tensor mean = x.mean(new long[] {1}, true, new org.bytedeco.pytorch.ScalarTypeOptional()); // (N, 1, H, W)
        return x.sub(mean).mul(r.view(-1, 1, 1, 1)).add(mean);
    }

    /** (x - image mean) * r + image mean: x (N, C, H, W), r (N). */
    static Tensor contrast(Tensor x, Tensor r) {
        Tensor mean = x.mean(new long[] {1, 2, 3}, true, new org.bytedeco.pytorch.ScalarTypeOptional()); // (N, 1, 1, 1)
        return x.sub(mean).mul(r.view(-1, 1, 1, 1)).add(mean);
    }

    /**
     * Shifts each image by (tx, ty) pixels, zeros shifted in: out[n, c, i, j] = x[n, c, i + tx, j +
     * ty] where that lies inside, else 0 (the paper's pad-by-one and clamp).
     */
    static Tensor translate(Tensor x, long[] tx, long[] ty) {
        long n = x.size(0);
        long c = x.size(1);
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int hp = h + 2;
        int wp = w + 2;
        Tensor padded = torch.constant_pad_nd(x, new long[] {1, 1, 1, 1}, new Scalar(0.0)); // (N, C, H+2, W+2)
        long[] index = new long[(int) (n * h * w)];
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < h; i++) {
                int pi = Math.max(0, Math.min(hp - 1, i + (int) tx[b] + 1));
                for (int j = 0; j < w; j++) {
                    int pj = Math.max(0, Math.min(wp - 1, j + (int) ty[b] + 1));
                    index[(b * h + i) * w + j] = (long) pi * wp + pj;
                }
            }
        }
        Tensor idx = Torch.indices(index).view(n, 1, (long) h * w).expand(new long[] {n, c, (long) h * w}); // (N, C, H*W)
        return padded.reshape(n, c, (long) hp * wp).gather(2, idx).reshape(n, c, h, w);
    }

    /**
     * (N, H, W): 1, except a cx x cy square per image, rows ox - cx/2 .. and columns oy - cy/2 ..
     * (clamped), 0; no square where {@code on[b]} is 0 (on null: a square in every image).
     */
    static Tensor cutoutMask(long n, int h, int w, int cx, int cy, long[] ox, long[] oy, float[] on) {
        float[] mask = new float[(int) (n * h * w)];
        java.util.Arrays.fill(mask, 1f);
        for (int b = 0; b < n; b++) {
            if (on != null && on[b] == 0) {
                continue;
            }
            for (int i = 0; i < cx; i++) {
                int x = (int) Math.max(0, Math.min(h - 1, i + ox[b] - cx / 2));
                for (int j = 0; j < cy; j++) {
                    int y = (int) Math.max(0, Math.min(w - 1, j + oy[b] - cy / 2));
                    mask[(b * h + x) * w + y] = 0f;
                }
            }
        }
        return Torch.tensor(mask, n, h, w);
    }

    private static long[] longs(Tensor t) { // small integers: exact in float32
        float[] f = Torch.floats(t.to(torch.ScalarType.Float));
        long[] out = new long[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = (long) f[i];
        }
        return out;
    }
}
