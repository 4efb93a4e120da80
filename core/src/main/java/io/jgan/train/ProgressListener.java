package io.jgan.train;

import io.jgan.train.StepRecord;
import java.util.Locale;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A terminal progress bar (me.tongfei:progressbar): step, it/s, ETA, and the tutorial's four
 * numbers, lossD, lossG, D(x), D(G(z)), averaged since the last refresh.
 */
public final class ProgressListener implements TrainingListener {

    private ProgressBar bar;
    private double sumD;
    private double sumG;
    private double sumReal;
    private double sumFake;
    private int n;
    private String epochOf = "";

    @Override
    public void onStart(RunView run) {
        ProgressBarBuilder builder = new ProgressBarBuilder()
                .setTaskName("train")
                .setInitialMax(run.totalSteps())
                .startsFrom(run.step(), java.time.Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII)
                .showSpeed()
                .setUnit(" it", 1)
                .continuousUpdate();
        if (System.console() == null) {
            // Not a terminal (CI, a log file): one full line every 10 s instead of \r redraws,
            // and no truncation to a guessed terminal width.
            builder.setConsumer(new DelegatingProgressBarConsumer(System.err::println, 150))
                    .setUpdateIntervalMillis(10_000);
        } else {
            builder.setUpdateIntervalMillis(500);
        }
        bar = builder.build();
        long epochs = run.config().schedule().epochs();
        epochOf = (long) run.iterationsPerEpoch() * epochs == run.totalSteps() ? "/" + epochs : "";
    }

    @Override
    public void onStep(RunView run, StepRecord r) {
        sumD += r.lossD();
        sumG += r.lossG();
        sumReal += r.dReal();
        sumFake += r.dFake();
        n++;
        bar.stepTo(r.step());
        if (n >= 20 || r.step() == run.totalSteps()) {
            // the mean of the steps since the last message: steadier than one step's values
            bar.setExtraMessage(String.format(Locale.ROOT,
                    " epoch %d%s, mean of the last %d steps: lossD %.3f lossG %.3f D(x) %.3f D(G(z)) %.3f", r.epoch(),
                    epochOf, n, sumD / n, sumG / n, sumReal / n, sumFake / n));
            sumD = sumG = sumReal = sumFake = 0;
            n = 0;
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
