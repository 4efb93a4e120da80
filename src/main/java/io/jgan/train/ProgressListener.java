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
    public void onStart(GanTrainer trainer) {
        ProgressBarBuilder builder = new ProgressBarBuilder()
                .setTaskName("train")
                .setInitialMax(trainer.totalSteps())
                .startsFrom(trainer.step(), java.time.Duration.ZERO)
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
        long epochs = trainer.config().schedule().epochs();
        epochOf = (long) trainer.iterationsPerEpoch() * epochs == trainer.totalSteps() ? "/" + epochs : "";
    }

    @Override
    public void onStep(GanTrainer trainer, StepRecord r) {
        sumD += r.lossD();
        sumG += r.lossG();
        sumReal += r.dReal();
        sumFake += r.dFake();
        n++;
        bar.stepTo(r.step());
        if (n >= 20 || r.step() == trainer.totalSteps()) {
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
