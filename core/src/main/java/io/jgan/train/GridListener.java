package io.jgan.train;

import io.jgan.JganException;
import io.jgan.checkpoint.RunFolder;
import io.jgan.config.ModelConfig;
import io.jgan.format.AnimatedGif;
import io.jgan.format.ImageGrid;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Saves a grid of what the game shows ({@link Game#preview}: the GAN's G(fixed noise), pix2pix's
 * held-out translations) every N iterations and at the end (the tutorial: a 4x4 grid every 100
 * batches), then an animated GIF of all of them.
 */
public final class GridListener implements TrainingListener {

    /** Told of every grid saved, e.g. TensorBoard. */
    @FunctionalInterface
    public interface GridSink {
        /**
         * Takes a saved grid.
         *
         * @param tag what it shows, as a TensorBoard image tag
         * @param step the step it was drawn at
         * @param grid the grid as saved
         */
        void grid(String tag, long step, BufferedImage grid);
    }

    /** GIFs with more frames than this keep an evenly spaced subset. */
    static final int MAX_GIF_FRAMES = 200;

    private final Path gridsDir;
    private final Path gif;
    private final int every;
    private final int scale;
    private final List<BufferedImage> frames = new ArrayList<>();
    private long lastSaved = -1;
    private final GridSink onGrid;

    /**
     * Creates the listener.
     *
     * @param gridsDir {@code RUN/grids}
     * @param gif {@code RUN/progress.gif}
     * @param every save every this many iterations (0: only at the end)
     * @param scale pixel magnification of the saved grids
     * @param onGrid told of every grid saved (step, image), e.g. TensorBoard; null for none
     */
    public GridListener(Path gridsDir, Path gif, int every, int scale, GridSink onGrid) {
        this.onGrid = onGrid != null ? onGrid : (t, s, g) -> { };
        this.gridsDir = gridsDir;
        this.gif = gif;
        this.every = every;
        this.scale = scale;
    }

    /** On a resume, takes back the grids up to the checkpoint (for the GIF) and drops later ones. */
    @Override
    public void onStart(RunView run) {
        if (run.step() == 0 || !Files.isDirectory(gridsDir)) {
            return;
        }
        try (Stream<Path> s = Files.list(gridsDir)) {
            for (Path p : s.sorted().toList()) {
                long step = RunFolder.gridStep(p);
                if (step < 0) {
                    continue;
                }
                if (step > run.step()) {
                    Files.delete(p); // written after the checkpoint: it will be drawn again
                    continue;
                }
                BufferedImage frame = ImageIO.read(p.toFile());
                if (frame != null) { // null: a PNG cut short by a kill; the GIF skips it
                    frames.add(frame);
                    lastSaved = step;
                }
            }
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot read the grids in " + gridsDir + ": " + e.getMessage());
        }
    }

    @Override
    public void onStep(RunView run, StepRecord record) {
        // the GAN tutorial saves when n_batch % 100 == 0, i.e. after the 1st, 101st, ... batch (phase 1)
        if (every > 0 && (record.step() - run.previewPhase()) % every == 0) {
            save(run, record.step());
        }
    }

    @Override
    public void onEnd(RunView run) {
        if (lastSaved != run.step()) {
            save(run, run.step());
        }
        List<BufferedImage> shown = frames;
        if (frames.size() > MAX_GIF_FRAMES) {
            shown = new ArrayList<>();
            for (int i = 0; i < MAX_GIF_FRAMES; i++) {
                shown.add(frames.get((int) ((long) i * (frames.size() - 1) / (MAX_GIF_FRAMES - 1))));
            }
        }
        try {
            AnimatedGif.write(gif, shown, 100);
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write " + gif + ": " + e.getMessage());
        }
    }

    private void save(RunView run, long step) {
        ModelConfig m = run.config().model();
        Game.Preview p = run.preview();
        BufferedImage grid = ImageGrid.render(p.values(), p.count(), m.channels(), m.height(), m.width(), m.range(),
                p.columns(), 2, scale);
        Path file = gridsDir.resolve(RunFolder.gridName(step));
        try {
            Files.createDirectories(gridsDir);
            ImageGrid.writePng(file, grid);
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write " + file + ": " + e.getMessage());
        }
        frames.add(grid);
        lastSaved = step;
        onGrid.grid(p.tag(), step, grid);
    }
}
