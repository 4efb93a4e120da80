package io.jgan.pix2pix;

import io.jgan.JganException;
import io.jgan.checkpoint.RunFolder;
import io.jgan.config.DataConfig;
import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.data.PairedData;
import io.jgan.eval.ClassifierBundle;
import io.jgan.eval.DomainClassifier;
import io.jgan.eval.EvalInputs;
import io.jgan.eval.EvalReport;
import io.jgan.eval.Evaluator;
import io.jgan.sample.Sampler;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * How good a translation is, on held-out pairs: L1 and PSNR against the targets, and for the
 * digits demo the share of outputs jgan's digit classifier assigns the source digit's class,
 * and FCD of the outputs against the reference digits.
 *
 * @param pairs held-out pairs measured
 * @param l1 mean |output - target| on the [0, 1] pixel scale, after quantising to bytes as a saved image would
 * @param psnr 10 log10(1 / MSE) on that scale, in dB (higher is better)
 * @param classAgreement share of outputs classified as their pair's label, or NaN without labels
 * @param fcd FCD of the outputs (digits demo), or NaN
 */
public record Pix2PixEval(int pairs, double l1, double psnr, double classAgreement, double fcd) {

    /**
     * Measures outputs against targets.
     *
     * @param outputs G's outputs (n, dataDim) in the model's pixel range
     * @param targets the targets (n, dataDim) as bytes
     * @param labels each pair's class, or null
     * @param model the model
     * @param digits the digit classifier, or null (then no class agreement, no FCD)
     * @return the measurements
     */
    public static Pix2PixEval measure(float[] outputs, byte[] targets, byte[] labels, ModelConfig model,
            ClassifierBundle digits) {
        int dim = model.dataDim();
        int n = outputs.length / dim;
        float[] saved = EvalInputs.asSaved(outputs, model.range()); // [0, 1], steps of 1/255
        double abs = 0;
        double sq = 0;
        for (int i = 0; i < saved.length; i++) {
            double d = saved[i] - (targets[i] & 0xff) / 255.0;
            abs += Math.abs(d);
            sq += d * d;
        }
        double mse = sq / saved.length;
        double psnr = mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(1 / mse);
        double agreement = Double.NaN;
        double fcd = Double.NaN;
        boolean digitShaped = model.channels() == 1 && model.height() == DomainClassifier.SIDE
                && model.width() == DomainClassifier.SIDE;
        if (digits != null && digitShaped && n >= 2) {
            if (labels != null) {
                DomainClassifier.Output out = digits.classifier().run(saved, n);
                int agree = 0;
                for (int i = 0; i < n; i++) {
                    if (out.argmax(i) == (labels[i] & 0xff)) {
                        agree++;
                    }
                }
                agreement = agree / (double) n;
            }
            EvalReport r = Evaluator.evaluate(digits, saved, n, null, 0, null, "pix2pix outputs", 0);
            fcd = r.fcd();
        }
        return new Pix2PixEval(n, abs / saved.length, psnr, agreement, fcd);
    }

    /**
     * The last tenth of a run's pairs (never trained on) through a translation, measured: L1 and
     * PSNR, and for the embedded digits class agreement and FCD with jgan's digit classifier.
     *
     * @param p the run's pairs
     * @param config the run's config
     * @param translate G: (inputs in the model's range, n) to outputs
     * @return the measurements (no pairs and NaN when fewer than 10 pairs held none out)
     */
    public static Pix2PixEval heldOut(PairedData p, GanConfig config, BiFunction<float[], Integer, float[]> translate) {
        int first = p.inputs().count() - Pix2PixGame.heldOutCount(p.inputs().count());
        int n = p.inputs().count() - first;
        if (n == 0) {
            return new Pix2PixEval(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        int dim = config.model().dataDim();
        float[] a = Pix2PixGame.heldOutInputs(p, config.model());
        byte[] b = Arrays.copyOfRange(p.targets().pixels(), first * dim, p.targets().count() * dim);
        byte[] labels = p.labels() == null ? null : Arrays.copyOfRange(p.labels(), first, p.labels().length);
        float[] out = translate.apply(a, n);
        try (ClassifierBundle bundle = digits(config) ? ClassifierBundle.shipped("mnist") : null) {
            return measure(out, b, labels, config.model(), bundle);
        }
    }

    /**
     * Whether a run's pairs are the built-in digits demo (measured with jgan's digit classifier).
     *
     * @param config the run's config
     * @return true for the embedded digits
     */
    public static boolean digits(GanConfig config) {
        return config.data().source().equals(DataConfig.EMBEDDED);
    }

    /**
     * {@code jgan eval} of a pix2pix checkpoint: its run's held-out pairs translated by the
     * checkpoint's G and measured.
     *
     * @param g the checkpoint's generator
     * @return the pairs' description, the first held-out index, and the measurements
     * @throws JganException (usage) if the run held no pairs out
     */
    public static HeldOut ofCheckpoint(Sampler g) {
        GanConfig config = g.manifest().config();
        PairedData pairs = PairedData.of(RunFolder.ofCheckpoint(g.checkpoint()).pairDirection(config.data()));
        int first = pairs.inputs().count() - Pix2PixGame.heldOutCount(pairs.inputs().count());
        if (first == pairs.inputs().count()) {
            throw new JganException(JganException.USAGE, "this run's data has fewer than 10 pairs, so none was held out"
                    + " to measure");
        }
        return new HeldOut(pairs.description(), first, pairs.inputs().count(), heldOut(pairs, config, g::translate));
    }

    /**
     * A checkpoint's held-out measurement and what it was measured on.
     *
     * @param description the pairs
     * @param first the first held-out pair
     * @param count all pairs
     * @param eval the measurements
     */
    public record HeldOut(String description, int first, int count, Pix2PixEval eval) {}

    /** @return one line for the terminal */
    public String describe() {
        return String.format(Locale.ROOT, "%d held-out pairs: L1 %.4f, PSNR %.2f dB%s%s", pairs, l1, psnr,
                Double.isNaN(classAgreement) ? "" : String.format(Locale.ROOT, ", class agreement %.1f%%",
                        100 * classAgreement),
                Double.isNaN(fcd) ? "" : String.format(Locale.ROOT, ", FCD %.1f", fcd));
    }
}
