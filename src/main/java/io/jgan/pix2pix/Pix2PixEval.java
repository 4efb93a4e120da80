package io.jgan.pix2pix;

import io.jgan.config.ModelConfig;
import io.jgan.eval.ClassifierBundle;
import io.jgan.eval.DomainClassifier;
import io.jgan.eval.EvalInputs;
import io.jgan.eval.EvalReport;
import io.jgan.eval.Evaluator;
import java.util.Locale;

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

    /** @return one line for the terminal */
    public String describe() {
        return String.format(Locale.ROOT, "%d held-out pairs: L1 %.4f, PSNR %.2f dB%s%s", pairs, l1, psnr,
                Double.isNaN(classAgreement) ? "" : String.format(Locale.ROOT, ", class agreement %.1f%%",
                        100 * classAgreement),
                Double.isNaN(fcd) ? "" : String.format(Locale.ROOT, ", FCD %.1f", fcd));
    }
}
