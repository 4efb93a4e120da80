package io.jgan.train;

import io.jgan.JganException;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.format.EventFile;
import io.jgan.format.Json;
import io.jgan.model.Network;
import io.jgan.model.Parameter;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.bytedeco.pytorch.Tensor;

/**
 * Writes the run for TensorBoard ({@code tensorboard --logdir runs}), as the tutorial's
 * {@code Logger} does: into {@code RUN/tensorboard/events.out.tfevents.<seconds>.<host>}, a new file
 * for every start of the run.
 * <ul>
 *   <li>every step: {@code loss/D}, {@code loss/G}, the game's further losses (pix2pix's
 *       {@code loss/L1}), {@code D/real} (mean D(x)), {@code D/fake} (mean D(G(z))),
 *       {@code time/ms_per_iteration};
 *   <li>every saved grid: the fixed-noise grid as {@code samples/fixed_noise} (pix2pix:
 *       {@code samples/translations});
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
    public void onStart(RunView run) {
        double now = EventFile.now();
        try {
            file = new EventFile(dir, now, EventFile.hostName());
            long first = run.step() + 1;
            if (run.step() > 0) {
                file.sessionStart(now, first);
            }
            file.text(now, first, "config", "```\n" + Json.MAPPER.writeValueAsString(run.config()) + "\n```");
            file.flush();
        } catch (IOException e) {
            throw failed(e);
        }
        lastFlush = System.nanoTime();
        run.tapUpdates(this::captureGradients);
    }

    /** Whether step s gets histograms: every {@value #HISTOGRAM_EVERY} steps and the last. */
    private static boolean histogramStep(long s, RunView run) {
        return s % HISTOGRAM_EVERY == 0 || s == run.totalSteps();
    }

    /** Before each network's update: keeps its gradients when the step ending now is a histogram step. */
    private void captureGradients(RunView run, Network network) {
        if (!histogramStep(run.step() + 1, run)) {
            return;
        }
        try (Scope copy = Scope.open()) {
            for (Parameter p : network.namedParameters()) {
                Tensor g = p.tensor().grad();
                if (p.trainable() && g.defined()) {
                    gradients.put(prefix(network) + "/gradients/" + p.name(), Torch.floats(g));
                }
            }
        }
    }

    @Override
    public void onStep(RunView run, StepRecord r) {
        double now = EventFile.now();
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("loss/D", (double) r.lossD());
        values.put("loss/G", (double) r.lossG());
        r.extra().forEach((tag, v) -> values.put(tag, (double) v));
        values.put("D/real", (double) r.dReal());
        values.put("D/fake", (double) r.dFake());
        values.put("time/ms_per_iteration", r.millis());
        try {
            file.scalars(now, r.step(), values);
            if (histogramStep(r.step(), run)) {
                histograms(now, r.step(), run);
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

    private void histograms(double now, long step, RunView run) throws IOException {
        for (Network network : List.of(run.generator(), run.discriminator())) {
            for (Parameter p : network.namedParameters()) {
                if (p.trainable()) {
                    float[] w;
                    try (Scope copy = Scope.open()) {
                        w = Torch.floats(p.tensor());
                    }
                    file.histogram(now, step, prefix(network) + "/weights/" + p.name(), EventFile.Histogram.of(w, BUCKETS));
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
     * Writes a saved grid as an image summary.
     *
     * @param tag the image tag ({@code samples/fixed_noise}, pix2pix's {@code samples/translations})
     * @param step the step it was drawn at
     * @param grid the grid as saved
     */
    public void grid(String tag, long step, BufferedImage grid) {
        try {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(grid, "png", png);
            int channels = grid.getColorModel().getNumComponents();
            file.image(EventFile.now(), step, tag, png.toByteArray(), grid.getWidth(), grid.getHeight(),
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
    public void onEnd(RunView run) {
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
