package io.jgan.train;

import io.jgan.config.PixelRange;
import io.jgan.train.StepRecord;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Warns (once each, without stopping) about the failures the tutorials tell learners to watch
 * for: D winning outright, so that G gets almost no signal (the GAN course; 'An Intuitive way to understand
 * GANs'), and G collapsing to
 * nearly one output whatever the noise; and about the reverse of the first, D fooled by every
 * sample for a whole window, which a learning D does not allow: D has stopped learning (seen once
 * here, with D's Adam second moments at infinity, so that every update was 0).
 */
public final class HealthListener implements TrainingListener {

    /** Iterations over which D(G(z)) is averaged. */
    static final int WINDOW = 200;
    /** Mean D(G(z)) below this for a whole window: D wins outright. */
    static final double D_WINS = 0.01;
    /** Mean D(G(z)) above this for a whole window: D takes every sample for real, i.e. no longer learns. */
    static final double D_FOOLED = 0.99;
    /** How often the fixed-noise samples are checked for collapse. */
    static final int COLLAPSE_EVERY = 500;
    /** Mean per-pixel standard deviation across the fixed-noise samples (in [0, 1] units) below this: collapse. */
    static final double COLLAPSED = 0.02;

    private final PrintWriter err;
    private final double[] recent = new double[WINDOW];
    private int seen;
    private boolean warnedDWins;
    private boolean warnedDFooled;
    private boolean warnedCollapse;

    /**
     * Creates the listener.
     *
     * @param err where warnings go
     */
    public HealthListener(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void onStep(RunView run, StepRecord r) {
        recent[seen++ % WINDOW] = r.dFake();
        if (seen >= WINDOW && !(warnedDWins && warnedDFooled)) {
            double mean = 0;
            for (double v : recent) {
                mean += v;
            }
            mean /= WINDOW;
            if (!warnedDFooled && mean > D_FOOLED) {
                warnedDFooled = true;
                warn(String.format(Locale.ROOT, "at step %d D has taken G's samples for real for %d steps (mean"
                        + " D(G(z)) %.4f): D has stopped learning and G gets no useful signal. Resume from an"
                        + " earlier checkpoint, or try another --seed", r.step(), WINDOW, mean));
            }
            if (!warnedDWins && mean < D_WINS) {
                warnedDWins = true;
                warn(String.format(Locale.ROOT, "at step %d D has won outright for %d steps (mean D(G(z)) %.4f):"
                        + " G gets almost no signal and may not recover. Try --label-smoothing, a lower --lr-d,"
                        + " or another --seed", r.step(), WINDOW, mean));
            }
        }
        if (!warnedCollapse && r.step() % COLLAPSE_EVERY == 0) {
            Game.Preview p = run.preview(); // G on the fixed noise: once
            double spread = spread(p, run.config().model().range());
            if (spread < COLLAPSED) {
                warnedCollapse = true;
                warn(String.format(Locale.ROOT, "at step %d the %d fixed-noise samples are nearly identical"
                        + " (mean pixel spread %.4f): G may have collapsed to one output", r.step(), p.count(),
                        spread));
            }
        }
    }

    /** @return the mean over pixels of the standard deviation across G's fixed-noise samples, in [0, 1] units */
    static double spread(RunView run) {
        return spread(run.preview(), run.config().model().range());
    }

    /** @return the mean over pixels of the standard deviation across a preview's samples, in [0, 1] units */
    private static double spread(Game.Preview p, PixelRange range) {
        float[] x = p.values(); // (n, dataDim)
        int n = p.count();
        int dim = x.length / n;
        double total = 0;
        for (int j = 0; j < dim; j++) {
            double sum = 0;
            double sumSq = 0;
            for (int i = 0; i < n; i++) {
                double v = range.toZeroOne(x[i * dim + j]);
                sum += v;
                sumSq += v * v;
            }
            double mean = sum / n;
            total += Math.sqrt(Math.max(0, sumSq / n - mean * mean));
        }
        return total / dim;
    }

    private void warn(String message) {
        err.println("jgan: warning: " + message);
        err.flush();
    }
}
