package io.jgan.train;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.jgan.JganException;
import io.jgan.io.EventFile;
import io.jgan.io.Json;
import io.jgan.model.Network;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Writes the run for TensorBoard ({@code tensorboard --logdir runs}), as the tutorial's
 * {@code Logger} does: into {@code RUN/tensorboard/events.out.tfevents.<seconds>.<host>}, a new file
 * for every start of the run.
 * <ul>
 *   <li>every step: {@code loss/D}, {@code loss/G}, {@code D/real} (mean D(x)), {@code D/fake}
 *       (mean D(G(z))), {@code time/ms_per_iteration};
 *   <li>every saved grid: the fixed-noise grid as {@code samples/fixed_noise};
 *   <li>every {@value #HISTOGRAM_EVERY} steps and at the end: histograms of every weight of G and D
 *       ({@code G/weights/<name>}) and of the gradients of that step's update
 *       ({@code G/gradients/<name>}), the view that shows a dying D or an exploding G;
 *   <li>the quality metrics of --eval-every ({@code eval/fcd}, {@code eval/kid}, ...);
 *   <li>once per start: the run's configuration as text ({@code config}).
 * </ul>
 * A resumed run starts its file with a SessionLog START at its first new step: TensorBoard then
 * drops what an earlier, killed session wrote at and after that step, so no step shows two
 * values. Events are flushed at least every {@value #FLUSH_SECONDS} seconds, on every checkpoint
 * step and at the end.
 */
public final class TensorBoardListener implements TrainingListener, ScalarSink {

    /** Steps between weight and gradient histograms. */
    public static final int HISTOGRAM_EVERY = 500;
    /** Buckets per histogram. */
    static final int BUCKETS = 30;
    /** Longest time between flushes. */
    static final int FLUSH_SECONDS = 2;

    private final Path dir;
    private final int flushEvery;
    private EventFile file;
    private long lastFlush;
    // the gradients of the update that ends the next histogram step, by tag
    private final Map<String, float[]> gradients = new LinkedHashMap<>();

    /**
     * Creates the listener.
     *
     * @param dir {@code RUN/tensorboard}
     * @param flushEvery also flush on steps that are multiples of this (the checkpoint cadence; 0: none)
     */
    public TensorBoardListener(Path dir, int flushEvery) {
        this.dir = dir;
        this.flushEvery = flushEvery;
    }

    @Override
    public void onStart(GanTrainer trainer) {
        double now = EventFile.now();
        try {
            file = new EventFile(dir, now, EventFile.hostName());
            long first = trainer.step() + 1;
            if (trainer.step() > 0) {
                file.sessionStart(now, first);
            }
            file.text(now, first, "config", "```\n" + Json.MAPPER.writeValueAsString(trainer.config()) + "\n```");
            file.flush();
        } catch (IOException e) {
            throw failed(e);
        }
        lastFlush = System.nanoTime();
        trainer.tapUpdates(this::captureGradients);
    }

    /** Whether step s gets histograms: every {@value #HISTOGRAM_EVERY} steps and the last. */
    private static boolean histogramStep(long s, GanTrainer trainer) {
        return s % HISTOGRAM_EVERY == 0 || s == trainer.totalSteps();
    }

    /** Before each network's update: keeps its gradients when the step ending now is a histogram step. */
    private void captureGradients(GanTrainer trainer, Network network) {
        if (!histogramStep(trainer.step() + 1, trainer)) {
            return;
        }
        for (Pair<String, Parameter> p : network.namedParameters()) {
            if (p.getValue().requiresGradient()) {
                gradients.put(prefix(network) + "/gradients/" + p.getKey(),
                        p.getValue().getArray().getGradient().toFloatArray());
            }
        }
    }

    @Override
    public void onStep(GanTrainer trainer, StepRecord r) {
        double now = EventFile.now();
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("loss/D", (double) r.lossD());
        values.put("loss/G", (double) r.lossG());
        values.put("D/real", (double) r.dReal());
        values.put("D/fake", (double) r.dFake());
        values.put("time/ms_per_iteration", r.millis());
        try {
            file.scalars(now, r.step(), values);
            if (histogramStep(r.step(), trainer)) {
                histograms(now, r.step(), trainer);
            }
            boolean checkpointStep = flushEvery > 0 && r.step() % flushEvery == 0;
            if (checkpointStep || System.nanoTime() - lastFlush > FLUSH_SECONDS * 1_000_000_000L) {
                file.flush();
                lastFlush = System.nanoTime();
            }
        } catch (IOException e) {
            throw failed(e);
        }
    }

    private void histograms(double now, long step, GanTrainer trainer) throws IOException {
        for (Network network : List.of(trainer.generator(), trainer.discriminator())) {
            for (Pair<String, Parameter> p : network.namedParameters()) {
                if (p.getValue().requiresGradient()) {
                    file.histogram(now, step, prefix(network) + "/weights/" + p.getKey(),
                            EventFile.Histogram.of(p.getValue().getArray().toFloatArray(), BUCKETS));
                }
            }
        }
        for (Map.Entry<String, float[]> g : gradients.entrySet()) {
            file.histogram(now, step, g.getKey(), EventFile.Histogram.of(g.getValue(), BUCKETS));
        }
        gradients.clear();
    }

    private static String prefix(Network network) {
        return network.name().startsWith("d") ? "D" : "G";
    }

    /**
     * Writes a saved fixed-noise grid as an image summary.
     *
     * @param step the step it was drawn at
     * @param grid the grid as saved
     */
    public void grid(long step, BufferedImage grid) {
        try {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(grid, "png", png);
            int channels = grid.getColorModel().getNumComponents();
            file.image(EventFile.now(), step, "samples/fixed_noise", png.toByteArray(), grid.getWidth(), grid.getHeight(),
                    channels);
        } catch (IOException e) {
            throw failed(e);
        }
    }

    @Override
    public void scalars(long step, Map<String, Double> values) {
        try {
            file.scalars(EventFile.now(), step, values);
            file.flush();
        } catch (IOException e) {
            throw failed(e);
        }
    }

    @Override
    public void onEnd(GanTrainer trainer) {
        try {
            file.flush();
        } catch (IOException e) {
            throw failed(e);
        }
    }

    @Override
    public void close() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // closing after a failed write: the failure was already reported
            }
        }
    }

    private JganException failed(IOException e) {
        return new JganException(JganException.IO, "cannot write TensorBoard events in " + dir + ": " + e.getMessage());
    }
}
