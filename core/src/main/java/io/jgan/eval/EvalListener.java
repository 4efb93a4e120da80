package io.jgan.eval;

import io.jgan.JganException;
import io.jgan.format.Plots;
import io.jgan.format.StepCsv;
import io.jgan.train.RunView;
import io.jgan.train.ScalarSink;
import io.jgan.train.StepRecord;
import io.jgan.train.TrainingListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures sample quality every N iterations ({@code train --eval-every N}): the same metrics as
 * {@code jgan eval} but the memorisation check, on {@code samples} draws from a fixed noise
 * seed, appended to {@code eval.csv} and drawn in {@code eval.png}. Copied into checkpoints and
 * restored on resume like {@code metrics.csv}.
 */
public final class EvalListener implements TrainingListener {

    /** The CSV header. */
    public static final String HEADER = "step,fcd,kid,classifier_score,class_kl,precision,recall,density,coverage,seconds";
    /** Columns of a row. */
    private static final int COLUMNS = 10;
    /** Noise seed of the evaluation samples (the same at every evaluation). */
    static final long NOISE_SEED = 20_261_124L;

    private final ClassifierBundle bundle;
    private final int every;
    private final int samples;
    private final Path csv;
    private final Path plot;
    private final List<double[]> rows = new ArrayList<>();
    private final ScalarSink sink;
    private long lastEvaluated = -1;

    /**
     * Creates the listener.
     *
     * @param bundle the domain classifier (owned by the caller)
     * @param every evaluate every this many iterations
     * @param samples samples per evaluation
     * @param csv {@code RUN/eval.csv}
     * @param plot {@code RUN/eval.png}
     * @param sink also told of every measurement (TensorBoard), or null
     */
    public EvalListener(ClassifierBundle bundle, int every, int samples, Path csv, Path plot, ScalarSink sink) {
        this.sink = sink;
        this.bundle = bundle;
        this.every = every;
        this.samples = samples;
        this.csv = csv;
        this.plot = plot;
    }

    /** On a resume, keeps the rows up to the checkpoint's step (the file was restored from it). */
    @Override
    public void onStart(RunView run) {
        try {
            List<String> kept = StepCsv.keepThrough(csv, HEADER, run.step(),
                    line -> line.split(",").length == COLUMNS);
            for (String line : kept) {
                String[] f = line.split(",");
                double[] r = new double[COLUMNS];
                for (int i = 0; i < COLUMNS; i++) {
                    r[i] = Double.parseDouble(f[i]);
                }
                rows.add(r);
            }
            if (kept.isEmpty()) {
                rewrite(); // a new log: the header alone
            }
        } catch (IOException | NumberFormatException e) {
            throw new JganException(JganException.IO, "cannot write " + csv + ": " + e.getMessage());
        }
    }

    @Override
    public List<Path> files() {
        return List.of(csv);
    }

    @Override
    public void onStep(RunView run, StepRecord record) {
        if (record.step() % every == 0) {
            evaluate(run);
        }
    }

    @Override
    public void onEnd(RunView run) {
        if (lastEvaluated != run.step() && (rows.isEmpty() || rows.get(rows.size() - 1)[0] != run.step())) {
            evaluate(run);
        }
        if (rows.size() >= 1) {
            double[][] cols = new double[5][rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                double[] r = rows.get(i);
                cols[0][i] = r[0];
                cols[1][i] = Math.max(1e-3, r[1]);
                cols[2][i] = r[5];
                cols[3][i] = r[6];
                cols[4][i] = r[8];
            }
            try {
                Plots.evalCurves(plot, cols[0], cols[1], cols[2], cols[3], cols[4]);
            } catch (IOException e) {
                throw new JganException(JganException.IO, "cannot write " + plot + ": " + e.getMessage());
            }
        }
    }

    private void evaluate(RunView run) {
        long t0 = System.nanoTime();
        float[] x = EvalInputs.asSaved(run.generate(samples, NOISE_SEED), run.config().model().range());
        EvalReport r = Evaluator.evaluate(bundle, x, samples, null, 0, null, "step " + run.step(), NOISE_SEED);
        double[] row = {run.step(), r.fcd(), r.kid(), r.classifierScore(), r.classKlToUniform(), r.precision(),
            r.recall(), r.density(), r.coverage(), (System.nanoTime() - t0) / 1e9};
        rows.add(row);
        lastEvaluated = run.step();
        if (sink != null) {
            Map<String, Double> values = new LinkedHashMap<>();
            String[] names = HEADER.split(",");
            for (int i = 1; i < COLUMNS - 1; i++) { // not the step, not the seconds
                values.put("eval/" + names[i], row[i]);
            }
            sink.scalars(run.step(), values);
        }
        try {
            Files.writeString(csv, format(row), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write " + csv + ": " + e.getMessage());
        }
    }

    private void rewrite() throws IOException {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (double[] r : rows) {
            b.append(format(r));
        }
        Path tmp = csv.resolveSibling(csv.getFileName() + ".tmp");
        Files.writeString(tmp, b, StandardCharsets.UTF_8);
        Files.move(tmp, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String format(double[] r) {
        return String.format(Locale.ROOT, "%d,%.4f,%.6f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.2f%n", (long) r[0], r[1], r[2],
                r[3], r[4], r[5], r[6], r[7], r[8], r[9]);
    }
}
