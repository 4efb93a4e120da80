package io.jgan.train;

import io.jgan.JganException;
import io.jgan.format.Plots;
import io.jgan.train.MetricsLog;
import io.jgan.train.StepRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Logs every iteration to {@code metrics.csv} and, at the end, draws {@code training.png}.
 * Rows are flushed every iteration, so a killed run keeps all of its log up to its checkpoint.
 */
public final class MetricsListener implements TrainingListener {

    private final Path csv;
    private final Path curves;
    private final List<StepRecord> history = new ArrayList<>();
    private MetricsLog log;

    /**
     * Creates the listener.
     *
     * @param csv {@code RUN/metrics.csv}
     * @param curves {@code RUN/training.png}
     */
    public MetricsListener(Path csv, Path curves) {
        this.csv = csv;
        this.curves = curves;
    }

    @Override
    public void onStart(RunView run) {
        try {
            if (run.step() > 0) { // resumed: keep the log up to the checkpoint, continue its clock
                history.addAll(MetricsLog.truncate(csv, run.step()));
                log = new MetricsLog(csv, MetricsLog.lastElapsed(csv));
            } else {
                log = new MetricsLog(csv);
            }
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write " + csv + ": " + e.getMessage());
        }
    }

    @Override
    public void onStep(RunView run, StepRecord record) {
        log.append(record);
        history.add(record);
        // Every row reaches the file before any checkpoint of its step is written (this listener
        // runs before the checkpoint listener), so a killed run never has a checkpoint ahead of its
        // log. One small write per iteration: microseconds against tens of milliseconds.
        log.flush();
    }

    @Override
    public void onEnd(RunView run) {
        log.flush();
        try {
            int n = history.size();
            double[][] columns = new double[5][n]; // step, lossD, lossG, D(x), D(G(z))
            for (int i = 0; i < n; i++) {
                StepRecord r = history.get(i);
                columns[0][i] = r.step();
                columns[1][i] = r.lossD();
                columns[2][i] = r.lossG();
                columns[3][i] = r.dReal();
                columns[4][i] = r.dFake();
            }
            Plots.trainingCurves(curves, columns[0], columns[1], columns[2], columns[3], columns[4]);
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write " + curves + ": " + e.getMessage());
        }
    }

    @Override
    public List<Path> files() {
        return List.of(csv);
    }

    /** @return the records seen so far */
    public List<StepRecord> history() {
        return history;
    }

    @Override
    public void close() {
        if (log != null) {
            try {
                log.close();
            } catch (IOException ignored) {
                // closing after a failed write: the failure was already reported
            }
        }
    }
}
