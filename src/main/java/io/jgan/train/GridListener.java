package io.jgan.train;

import io.jgan.JganException;
import io.jgan.config.ModelConfig;
import io.jgan.io.AnimatedGif;
import io.jgan.io.ImageGrid;
import io.jgan.train.StepRecord;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Saves a grid of G(fixed noise) every N iterations and at the end (the tutorial: a 4x4 grid
 * every 100 batches), then an animated GIF of all of them.
 */
public final class GridListener implements TrainingListener {

    /** GIFs with more frames than this keep an evenly spaced subset. */
    static final int MAX_GIF_FRAMES = 200;

    private final Path gridsDir;
    private final Path gif;
    private final int every;
    private final int scale;
    private final List<BufferedImage> frames = new ArrayList<>();
    private long lastSaved = -1;
    private final BiConsumer<Long, BufferedImage> onGrid;
    private static final Pattern GRID = Pattern.compile("step-(\\d+)\\.png");

    /**
     * Creates the listener.
     *
     * @param gridsDir {@code RUN/grids}
     * @param gif {@code RUN/progress.gif}
     * @param every save every this many iterations (0: only at the end)
     * @param scale pixel magnification of the saved grids
     * @param onGrid told of every grid saved (step, image), e.g. TensorBoard; null for none
     */
    public GridListener(Path gridsDir, Path gif, int every, int scale, BiConsumer<Long, BufferedImage> onGrid) {
        this.onGrid = onGrid != null ? onGrid : (s, g) -> { };
        this.gridsDir = gridsDir;
        this.gif = gif;
        this.every = every;
        this.scale = scale;
    }

    /** On a resume, takes back the grids up to the checkpoint (for the GIF) and drops later ones. */
    @Override
    public void onStart(GanTrainer trainer) {
        if (trainer.step() == 0 || !Files.isDirectory(gridsDir)) {
            return;
        }
        try (Stream<Path> s = Files.list(gridsDir)) {
            for (Path p : s.sorted().toList()) {
                Matcher m = GRID.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                long step = Long.parseLong(m.group(1));
                if (step > trainer.step()) {
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
    public void onStep(GanTrainer trainer, StepRecord record) {
        // the tutorial saves when n_batch % 100 == 0, i.e. after the 1st, 101st, ... batch
        if (every > 0 && (record.step() - 1) % every == 0) {
            save(trainer, record.step());
        }
    }

    @Override
    public void onEnd(GanTrainer trainer) {
        if (lastSaved != trainer.step()) {
            save(trainer, trainer.step());
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

    private void save(GanTrainer trainer, long step) {
        ModelConfig m = trainer.config().model();
        int n = trainer.fixedSampleCount();
        BufferedImage grid = ImageGrid.render(trainer.generateFixed(), n, m.channels(), m.height(), m.width(), m.range(),
                trainer.fixedGridColumns(), 2, scale);
        Path file = gridsDir.resolve(String.format("step-%08d.png", step));
        try {
            Files.createDirectories(gridsDir);
            ImageGrid.writePng(file, grid);
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write " + file + ": " + e.getMessage());
        }
        frames.add(grid);
        lastSaved = step;
        onGrid.accept(step, grid);
    }
}
