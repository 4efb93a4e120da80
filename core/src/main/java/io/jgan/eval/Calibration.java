package io.jgan.eval;

import io.jgan.JganException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The metrics on sets whose quality is known, so their scale can be read: real held-out images,
 * real training images, uniform noise, blurred real images, one image per class repeated, and
 * a single class. 1,000 images each (the held-out split of the embedded digits has 1,000).
 */
public final class Calibration {

    /** Images per calibration set. */
    public static final int N = 1000;

    private Calibration() {}

    /**
     * One calibration set's report.
     *
     * @param set what the images are
     * @param report the metrics
     */
    public record Row(String set, EvalReport report) {}

    /**
     * Evaluates every calibration set.
     *
     * @param bundle the classifier
     * @param dataDir the Fashion-MNIST folder for the fashion domain (else ignored)
     * @param seed draws
     * @return one row per set
     */
    public static List<Row> run(ClassifierBundle bundle, Path dataDir, long seed) {
        ClassifierInfo info = bundle.info();
        if (info.channels() != 1 || info.side() != DomainClassifier.SIDE) {
            throw new JganException(JganException.USAGE, "--calibrate blurs 28x28 gray images, and this classifier reads "
                    + bundle.classifier().inputShape() + " ones: measure it with jgan eval --samples instead");
        }
        // the classifier's own seed picks a user's held-out tenth again
        ClassifierBuilder.Split s = ClassifierBuilder.split(info.domain(), dataDir, 0, info.seed());
        int d = 784;
        Random rng = new Random(seed);
        List<Row> rows = new ArrayList<>();
        float[] held = Arrays.copyOf(s.heldOut(), N * d);
        rows.add(row(bundle, s, "real, held out (" + s.heldOutSplit() + ")", held, seed));
        float[] train = new float[N * d];
        int[] pick = rng.ints(0, s.trainCount()).distinct().limit(N).toArray();
        for (int i = 0; i < N; i++) {
            System.arraycopy(s.train(), pick[i] * d, train, i * d, d);
        }
        rows.add(row(bundle, s, "real, training images (memorised by definition)", train, seed));
        rows.add(row(bundle, s, "held out, Gaussian blur sigma 1", blur(held, N, 1.0), seed));
        rows.add(row(bundle, s, "held out, Gaussian blur sigma 2", blur(held, N, 2.0), seed));
        float[] noise = new float[N * d];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = rng.nextFloat();
        }
        rows.add(row(bundle, s, "uniform noise", noise, seed));
        int k = s.classes().size();
        float[] perClass = new float[N * d];
        for (int c = 0; c < k; c++) {
            int first = firstOfClass(s.heldOutLabels(), c);
            for (int j = c; j < N; j += k) {
                System.arraycopy(s.heldOut(), first * d, perClass, j * d, d);
            }
        }
        rows.add(row(bundle, s, "one held-out image per class, repeated", perClass, seed));
        float[] single = new float[N * d];
        int filled = 0;
        for (int i = 0; filled < N; i = (i + 1) % s.trainCount()) {
            if ((s.trainLabels()[i] & 0xff) == 1) {
                System.arraycopy(s.train(), i * d, single, filled++ * d, d);
            }
        }
        rows.add(row(bundle, s, "one class only (" + s.classes().get(1) + ", training images)", single, seed));
        return rows;
    }

    private static Row row(ClassifierBundle bundle, ClassifierBuilder.Split s, String name, float[] x, long seed) {
        return new Row(name, Evaluator.evaluate(bundle, x, N, s.train(), s.trainCount(), s.trainedOn(), name, seed));
    }

    private static int firstOfClass(byte[] labels, int c) {
        for (int i = 0; i < labels.length; i++) {
            if ((labels[i] & 0xff) == c) {
                return i;
            }
        }
        throw new IllegalStateException("no held-out image of class " + c);
    }

    /**
     * Separable Gaussian blur of 28x28 images (kernel radius 3 sigma, zero padding).
     *
     * @param x (n, 784)
     * @param n images
     * @param sigma standard deviation in pixels
     * @return blurred copies
     */
    static float[] blur(float[] x, int n, double sigma) {
        int side = 28;
        int r = (int) Math.ceil(3 * sigma);
        double[] kernel = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            kernel[i + r] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += kernel[i + r];
        }
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] /= sum;
        }
        float[] out = new float[x.length];
        double[] tmp = new double[side * side];
        for (int img = 0; img < n; img++) {
            int o = img * side * side;
            for (int y = 0; y < side; y++) {
                for (int c = 0; c < side; c++) {
                    double v = 0;
                    for (int t = -r; t <= r; t++) {
                        int cc = c + t;
                        if (cc >= 0 && cc < side) {
                            v += kernel[t + r] * x[o + y * side + cc];
                        }
                    }
                    tmp[y * side + c] = v;
                }
            }
            for (int y = 0; y < side; y++) {
                for (int c = 0; c < side; c++) {
                    double v = 0;
                    for (int t = -r; t <= r; t++) {
                        int yy = y + t;
                        if (yy >= 0 && yy < side) {
                            v += kernel[t + r] * tmp[yy * side + c];
                        }
                    }
                    out[o + y * side + c] = (float) v;
                }
            }
        }
        return out;
    }

    /**
     * The README's calibration table.
     *
     * @param rows the reports
     * @return Markdown
     */
    public static String markdown(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append("| set (1,000 images) | FCD | KID | classifier score | class KL | precision | recall | density | coverage |"
                + " nearest train (median) | closer than real 5th pct |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            EvalReport e = r.report();
            b.append(String.format(Locale.ROOT, "| %s | %.2f | %.4f | %.2f | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f | %.3f |%n",
                    r.set(), e.fcd(), e.kid(), e.classifierScore(), e.classKlToUniform(), e.precision(), e.recall(),
                    e.density(), e.coverage(), e.memorisation().medianNearestGenerated(), e.memorisation().shareCloserThanReal5th()));
        }
        return b.toString();
    }
}
