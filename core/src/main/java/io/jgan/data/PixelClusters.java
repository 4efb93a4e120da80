package io.jgan.data;

import io.jgan.JganException;
import io.jgan.engine.HostWorkers;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Labels without labels: k-means (Lloyd's algorithm, k-means++ seeding) on the images' pixels,
 * for the self-conditioned GAN of Liu et al., "Diverse Image Generation via Self-Conditioned
 * GANs" (CVPR 2020). G and D are then conditioned on an image's cluster as a conditional GAN is
 * on its class, which gives D's every judgement a mode to compare against and keeps G from
 * dropping modes; no label of the data is used. (The paper clusters D's features and re-clusters
 * as D learns; here the pixels are clustered once, before training, which is cheap and for digits
 * already separates most shapes.)
 *
 * <p>A function of the pixels alone (a fixed seed, a fixed order of work): a resumed run, or a
 * second process, finds the same clusters.
 */
public final class PixelClusters {

    /** Images the centres are fitted on at most (spread evenly over the set); all are then assigned. */
    static final int FIT_IMAGES = 10_000;
    /** Lloyd iterations at most; they stop earlier when no image changes cluster. */
    static final int MAX_ITERATIONS = 50;
    /** Image sides clustered at full resolution at most; larger images are averaged down first. */
    static final int MAX_SIDE = 32;
    private static final long SEED = 20200617L;

    private PixelClusters() {}

    /**
     * Images grouped into k clusters.
     *
     * @param labels each image's cluster, 0..k-1, as an unsigned byte; cluster 0 is the largest
     * @param sizes images per cluster (descending)
     * @param iterations Lloyd iterations run
     */
    public record Result(byte[] labels, int[] sizes, int iterations) {

        /** @return each cluster's share of the images */
        public double[] shares() {
            int n = Arrays.stream(sizes).sum();
            return Arrays.stream(sizes).mapToDouble(s -> s / (double) n).toArray();
        }
    }

    /**
     * Clusters the images.
     *
     * @param images the images (any channels and size)
     * @param k the number of clusters, 2..{@link io.jgan.config.DataConfig#MAX_CLUSTERS}
     * @return the clusters, largest first
     * @throws JganException (usage) when there are fewer than 2k images
     */
    public static Result of(ImageSet images, int k) {
        int n = images.count();
        if (n < 2 * k) {
            throw new JganException(JganException.USAGE, "--clusters " + k + " needs at least " + 2 * k
                    + " images and the data has " + n + ": use fewer clusters or more images");
        }
        float[] x = features(images); // (n, dim), pixels in [0, 1]
        int dim = x.length / n;
        float[] norms = new float[n]; // |x_i|^2
        for (int i = 0; i < n; i++) {
            norms[i] = dot(x, i * dim, x, i * dim, dim);
        }
        int fitCount = Math.min(n, FIT_IMAGES);
        int[] fit = new int[fitCount]; // evenly spread: a folder sorted by class still gives every class
        for (int j = 0; j < fitCount; j++) {
            fit[j] = (int) ((long) j * n / fitCount);
        }
        float[] c = seed(x, norms, dim, fit, k);
        int[] a = new int[fitCount];
        Arrays.fill(a, -1);
        int iterations = 0;
        while (iterations < MAX_ITERATIONS) {
            iterations++;
            int[] next = assign(x, norms, dim, fit, c, k);
            boolean moved = !Arrays.equals(next, a);
            a = next;
            if (!moved) {
                break;
            }
            c = centres(x, dim, fit, a, c, k);
        }
        int[] all = assign(x, norms, dim, IntStream.range(0, n).toArray(), c, k);
        // renumber by size, largest first (ties by centre index): grids list the big modes first
        int[] sizes = new int[k];
        for (int y : all) {
            sizes[y]++;
        }
        Integer[] order = IntStream.range(0, k).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (p, q) -> sizes[q] != sizes[p] ? Integer.compare(sizes[q], sizes[p]) : Integer.compare(p, q));
        int[] rank = new int[k];
        int[] sorted = new int[k];
        for (int r = 0; r < k; r++) {
            rank[order[r]] = r;
            sorted[r] = sizes[order[r]];
        }
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) rank[all[i]];
        }
        return new Result(labels, sorted, iterations);
    }

    /**
     * The pixels in [0, 1], (n, channels x rows x cols); sides above {@link #MAX_SIDE} are first
     * averaged over f x f blocks (f = ceil(side / MAX_SIDE)), so that 64x64 colour images cost
     * what 32x32 ones do: the modes k-means separates are coarse shapes and colours.
     */
    static float[] features(ImageSet images) {
        int n = images.count();
        int ch = images.channels();
        int f = Math.max(1, (Math.max(images.rows(), images.cols()) + MAX_SIDE - 1) / MAX_SIDE);
        int rows = (images.rows() + f - 1) / f;
        int cols = (images.cols() + f - 1) / f;
        int dim = ch * rows * cols;
        float[] x = new float[Math.multiplyExact(n, dim)];
        float[] count = new float[dim]; // pixels per block (edge blocks may be partial)
        byte[] px = images.pixels();
        int size = images.imageSize();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < ch; c++) {
                for (int r = 0; r < images.rows(); r++) {
                    for (int q = 0; q < images.cols(); q++) {
                        int o = (c * rows + r / f) * cols + q / f;
                        x[i * dim + o] += (px[i * size + (c * images.rows() + r) * images.cols() + q] & 0xff) / 255f;
                        if (i == 0) {
                            count[o]++;
                        }
                    }
                }
            }
        }
        if (f > 1) {
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < dim; o++) {
                    x[i * dim + o] /= count[o];
                }
            }
        }
        return x;
    }

    /** k-means++: each next centre drawn with probability proportional to the squared distance to the nearest. */
    private static float[] seed(float[] x, float[] norms, int dim, int[] fit, int k) {
        SplittableRandom rng = new SplittableRandom(SEED);
        float[] c = new float[k * dim]; // (k, dim)
        int first = fit[rng.nextInt(fit.length)];
        System.arraycopy(x, first * dim, c, 0, dim);
        double[] nearest = new double[fit.length];
        Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        for (int j = 1; j < k; j++) {
            int prev = j - 1;
            float cn = dot(c, prev * dim, c, prev * dim, dim);
            double total = 0;
            for (int t = 0; t < fit.length; t++) {
                int i = fit[t];
                double d = Math.max(0, norms[i] - 2 * dot(x, i * dim, c, prev * dim, dim) + cn);
                nearest[t] = Math.min(nearest[t], d);
                total += nearest[t];
            }
            double u = rng.nextDouble() * total;
            int pick = fit.length - 1;
            for (int t = 0; t < fit.length; t++) {
                u -= nearest[t];
                if (u < 0) {
                    pick = t;
                    break;
                }
            }
            System.arraycopy(x, fit[pick] * dim, c, j * dim, dim);
        }
        return c;
    }

    /** Each listed image's nearest centre (ties to the lower index); images over jgan's host threads, each on its own. */
    private static int[] assign(float[] x, float[] norms, int dim, int[] images, float[] c, int k) {
        float[] cn = new float[k];
        for (int j = 0; j < k; j++) {
            cn[j] = dot(c, j * dim, c, j * dim, dim);
        }
        int[] out = new int[images.length];
        int parts = HostWorkers.threads() * 4;
        HostWorkers.run(parts, part -> {
            for (int t = (int) ((long) part * images.length / parts); t < (long) (part + 1) * images.length / parts; t++) {
                int i = images[t];
                int best = 0;
                float bestD = Float.POSITIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    float d = norms[i] - 2 * dot(x, i * dim, c, j * dim, dim) + cn[j]; // |x - c|^2
                    if (d < bestD) {
                        bestD = d;
                        best = j;
                    }
                }
                out[t] = best;
            }
        });
        return out;
    }

    /** The clusters' means; an emptied cluster takes the image farthest from its own centre. */
    private static float[] centres(float[] x, int dim, int[] fit, int[] a, float[] old, int k) {
        double[] sum = new double[k * dim];
        int[] size = new int[k];
        for (int t = 0; t < fit.length; t++) {
            int i = fit[t];
            int j = a[t];
            size[j]++;
            for (int p = 0; p < dim; p++) {
                sum[j * dim + p] += x[i * dim + p];
            }
        }
        float[] c = new float[k * dim];
        for (int j = 0; j < k; j++) {
            if (size[j] == 0) {
                int far = farthest(x, dim, fit, a, old);
                System.arraycopy(x, fit[far] * dim, c, j * dim, dim);
                a[far] = j; // taken: the next emptied cluster picks another
                continue;
            }
            for (int p = 0; p < dim; p++) {
                c[j * dim + p] = (float) (sum[j * dim + p] / size[j]);
            }
        }
        return c;
    }

    private static int farthest(float[] x, int dim, int[] fit, int[] a, float[] c) {
        int far = 0;
        double farD = -1;
        for (int t = 0; t < fit.length; t++) {
            int i = fit[t];
            double d = 0;
            for (int p = 0; p < dim; p++) {
                double e = x[i * dim + p] - c[a[t] * dim + p];
                d += e * e;
            }
            if (d > farD) {
                farD = d;
                far = t;
            }
        }
        return far;
    }

    /** a[ai..ai+n) . b[bi..bi+n), four running sums so that the loads overlap. */
    static float dot(float[] a, int ai, float[] b, int bi, int n) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int p = 0;
        for (; p + 3 < n; p += 4) {
            s0 += a[ai + p] * b[bi + p];
            s1 += a[ai + p + 1] * b[bi + p + 1];
            s2 += a[ai + p + 2] * b[bi + p + 2];
            s3 += a[ai + p + 3] * b[bi + p + 3];
        }
        for (; p < n; p++) {
            s0 += a[ai + p] * b[bi + p];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
