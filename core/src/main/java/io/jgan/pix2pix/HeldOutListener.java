package io.jgan.pix2pix;

import io.jgan.JganException;
import io.jgan.format.Json;
import io.jgan.train.RunView;
import io.jgan.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * At the end of a pix2pix run, measures G on the held-out pairs ({@link Pix2PixEval#heldOut}) and
 * writes {@code RUN/eval.json}, which {@code jgan serve}'s runs page shows.
 */
public final class HeldOutListener implements TrainingListener {

    private final Pix2PixGame game;
    private final Path json;
    private Pix2PixEval result;

    /**
     * Creates the listener.
     *
     * @param game the game (its pairs and G)
     * @param json {@code RUN/eval.json}
     */
    public HeldOutListener(Pix2PixGame game, Path json) {
        this.game = game;
        this.json = json;
    }

    @Override
    public void onEnd(RunView run) {
        result = Pix2PixEval.heldOut(game.pairs(), run.config(), game::translate);
        try {
            Files.write(json, Json.MAPPER.writeValueAsBytes(result));
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write " + json + ": " + e.getMessage());
        }
    }

    /** @return the measurement at the end, or null before it */
    public Pix2PixEval result() {
        return result;
    }
}
