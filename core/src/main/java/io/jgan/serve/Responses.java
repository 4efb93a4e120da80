package io.jgan.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import io.jgan.config.ModelConfig;
import io.jgan.format.IdxWriter;
import io.jgan.format.ImageGrid;
import io.jgan.format.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import javax.imageio.ImageIO;

/** Writes what the server answers: JSON, one-line JSON errors, PNG grids and IDX files. */
final class Responses {

    private Responses() {}

    /**
     * Answers a value as JSON.
     *
     * @param ctx the request
     * @param value the value
     */
    static void json(Context ctx, Object value) {
        try {
            ctx.contentType("application/json").result(Json.MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Answers an error: the status and {@code {"error": reason}} on one line.
     *
     * @param ctx the request
     * @param status the HTTP status
     * @param reason what went wrong
     */
    static void error(Context ctx, int status, String reason) {
        ctx.status(status);
        json(ctx, Map.of("error", reason.replace('\n', ' ')));
    }

    /**
     * Samples as a PNG grid.
     *
     * @param m the model (shape and pixel range)
     * @param x (n, dataDim) in the model's range
     * @param n samples
     * @param nrow samples per row
     * @param scale pixel magnification
     * @return the PNG file's bytes
     */
    static byte[] png(ModelConfig m, float[] x, int n, int nrow, int scale) {
        return png(ImageGrid.render(x, n, m.channels(), m.height(), m.width(), m.range(), nrow, 2, scale));
    }

    /**
     * A picture as a PNG file.
     *
     * @param image the picture
     * @return the file's bytes
     */
    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Samples as a uint8 IDX file, 0 the black background: rank 3 like MNIST for gray, rank 4
     * (N, C, H, W) for colour.
     *
     * @param m the model
     * @param x (n, dataDim) in the model's range
     * @param n samples
     * @return the file's bytes
     */
    static byte[] idx(ModelConfig m, float[] x, int n) {
        byte[] px = new byte[x.length];
        for (int i = 0; i < x.length; i++) {
            px[i] = (byte) m.range().toByte(x[i]);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + px.length);
        try {
            IdxWriter.writeImages(bytes, n, m.channels(), m.height(), m.width(), px);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
