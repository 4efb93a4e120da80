package io.jgan.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.jgan.config.ModelConfig;
import io.jgan.io.IdxWriter;
import io.jgan.io.ImageGrid;
import io.jgan.io.Json;
import io.jgan.model.LatentNoise;
import io.jgan.sample.Sampler;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.webjars.WebJarVersionLocator;

/**
 * {@code jgan serve}: the runs page, the live view of a training run and the generator explorer,
 * and the JSON/PNG API behind them (documented in the README).
 *
 * <p>Every error a client can cause is a 4xx (503 when busy) with {@code {"error": reason}}, one
 * line, never a stack trace; anything else is a bug and answers 500 with a one-line message.
 */
public final class Server implements AutoCloseable {

    /** Most samples one request may ask for. */
    public static final int MAX_SAMPLES = 256;
    /** Most samples one IDX download may hold. */
    public static final int MAX_DOWNLOAD = 10_000;
    /** Points of a metrics curve sent at once; longer logs are thinned evenly. */
    static final int MAX_POINTS = 2_000;

    private final RunIndex index;
    private final GeneratorPool pool;
    private final Javalin app;
    private volatile String lastGenerate;
    private volatile String lastTranslate;

    /**
     * Starts a server.
     *
     * @param roots run folders and folders of runs
     * @param host the address to listen on (127.0.0.1 unless the user asks otherwise)
     * @param port the port (0 for any free one)
     * @param permits sampling requests in flight at once
     */
    public Server(List<Path> roots, String host, int port, int permits) {
        this.index = new RunIndex(roots);
        this.pool = new GeneratorPool(permits, 10_000);
        String uplot = "/webjars/uplot/" + new WebJarVersionLocator().version("uplot") + "/dist";
        String page = resource("index.html").replace("@UPLOT@", uplot);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = host;
            config.jetty.port = port;
            config.http.maxRequestSize = 4_000_000;
            config.staticFiles.enableWebjars();
            config.routes.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(page));
            config.routes.get("/app.js", ctx -> ctx.contentType("text/javascript; charset=utf-8")
                    .result(resource("app.js")));
            config.routes.get("/style.css", ctx -> ctx.contentType("text/css; charset=utf-8")
                    .result(resource("style.css")));
            config.routes.get("/api/runs", ctx -> json(ctx, runs()));
            config.routes.get("/api/runs/{id}", ctx -> json(ctx, index.summary(ctx.pathParam("id"))));
            config.routes.get("/api/runs/{id}/metrics", this::metrics);
            config.routes.get("/api/runs/{id}/grid.png", this::grid);
            config.routes.get("/api/runs/{id}/latent", this::latent);
            config.routes.get("/api/runs/{id}/sample.png", this::samplePng);
            config.routes.get("/api/runs/{id}/samples.idx", this::sampleIdx);
            config.routes.post("/api/runs/{id}/generate", this::generate);
            config.routes.post("/api/runs/{id}/translate", this::translate);
            config.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
            // a user's mistake reported by the library (e.g. sampling an image-to-image model)
            config.routes.exception(io.jgan.JganException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> error(ctx, 500, "internal error: " + e));
            config.routes.error(404, ctx -> {
                String type = ctx.res().getContentType();
                if (type == null || !type.startsWith("application/json")) { // not one of our own 404s
                    error(ctx, 404, "no such page or API call: " + RunIndex.abbreviate(ctx.path())
                            + " (the API is under /api/runs; see the README)");
                }
            });
        });
        app.start();
    }

    /** @return the port listened on */
    public int port() {
        return app.port();
    }

    /**
     * The body of the last generate request received, as sent (for tests of the page).
     *
     * @return the JSON text, or null before any
     */
    public String lastGenerateRequest() {
        return lastGenerate;
    }

    @Override
    public void close() {
        app.stop();
        pool.close();
    }

    // ----------------------------------------------------------------------------- handlers

    private List<RunIndex.Summary> runs() {
        List<RunIndex.Summary> out = new ArrayList<>();
        index.runs().forEach((id, run) -> out.add(index.summary(id, run)));
        return out;
    }

    /** Curves of the run after step {@code since}: columns of the metrics and eval logs. */
    private void metrics(Context ctx) {
        Path run = index.run(ctx.pathParam("id"));
        long since = longParam(ctx, "since", 0, 0, Long.MAX_VALUE);
        List<double[]> rows = index.metricRows(run).stream().filter(r -> r[0] > since).toList();
        int stride = Math.max(1, (rows.size() + MAX_POINTS - 1) / MAX_POINTS);
        String[] names = {"step", "epoch", "batch", "lossD", "lossG", "dReal", "dFake", "ms"};
        Map<String, Object> out = new LinkedHashMap<>();
        for (int c = 0; c < names.length; c++) {
            double[] col = new double[(rows.size() + stride - 1) / stride];
            for (int i = 0, k = 0; i < rows.size(); i += stride, k++) {
                // thinned, but the last row is always the newest
                col[k] = rows.get(Math.min(rows.size() - 1, i + stride - 1))[c];
            }
            out.put(names[c], col);
        }
        List<double[]> evals = index.evalRows(run).stream().filter(r -> r[0] > since).toList();
        String[] evalNames = {"step", "fcd", "kid", "classifierScore", "classKl", "precision", "recall", "density",
            "coverage"};
        Map<String, Object> eval = new LinkedHashMap<>();
        for (int c = 0; c < evalNames.length; c++) {
            final int col = c;
            eval.put(evalNames[c], evals.stream().mapToDouble(r -> r[col]).toArray());
        }
        out.put("eval", eval);
        json(ctx, out);
    }

    private void grid(Context ctx) throws IOException {
        Path run = index.run(ctx.pathParam("id"));
        Path grid = RunIndex.newestGrid(run)
                .orElseThrow(() -> ApiError.notFound("run " + run.getFileName() + " has no grid yet (--grid-every)"));
        ctx.header("Cache-Control", "no-store").contentType("image/png").result(Files.readAllBytes(grid));
    }

    /** The latent vectors of a seed: what sample.png draws for the same n and seed. */
    private void latent(Context ctx) {
        Path run = index.run(ctx.pathParam("id"));
        int n = intParam(ctx, "n", 16, 1, MAX_SAMPLES);
        long seed = longParam(ctx, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        ModelConfig m = pool.with(run, Sampler::model);
        float[] z = m.imageToImage() ? new float[0] : LatentNoise.gaussian(seed, n * m.latentDim());
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = Arrays.copyOfRange(z, i * m.latentDim(), (i + 1) * m.latentDim());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("latentDim", m.latentDim());
        out.put("classes", m.classes());
        out.put("imageToImage", m.imageToImage());
        out.put("channels", m.channels());
        out.put("height", m.height());
        out.put("width", m.width());
        out.put("z", rows);
        json(ctx, out);
    }

    private void samplePng(Context ctx) {
        Path run = index.run(ctx.pathParam("id"));
        int n = intParam(ctx, "n", 64, 1, MAX_SAMPLES);
        long seed = longParam(ctx, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        Integer nrow = optionalInt(ctx, "nrow", 1, MAX_SAMPLES);
        int scale = intParam(ctx, "scale", 2, 1, 8);
        Integer label = optionalInt(ctx, "label", 0, 255);
        byte[] png = pool.with(run, s -> {
            float[] x = label != null ? s.sample(n, seed, checkLabel(s.model(), label)) : s.sample(n, seed);
            return png(s.model(), x, n, nrow != null ? nrow : ImageGrid.squareRow(n), scale);
        });
        ctx.contentType("image/png").result(png);
    }

    private void sampleIdx(Context ctx) throws IOException {
        Path run = index.run(ctx.pathParam("id"));
        int n = intParam(ctx, "n", 64, 1, MAX_DOWNLOAD);
        long seed = longParam(ctx, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        Integer label = optionalInt(ctx, "label", 0, 255);
        byte[][] out = new byte[1][];
        pool.with(run, s -> {
            ModelConfig m = s.model();
            if (m.channels() != 1) {
                throw ApiError.badRequest("IDX holds grayscale images and this generator makes " + m.channels()
                        + "-channel images: download sample.png instead");
            }
            float[] x = label != null ? s.sample(n, seed, checkLabel(m, label)) : s.sample(n, seed);
            byte[] px = new byte[x.length];
            for (int i = 0; i < x.length; i++) {
                px[i] = (byte) m.range().toByte(x[i]);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + px.length);
            try {
                IdxWriter.writeImages(bytes, n, m.height(), m.width(), px);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out[0] = bytes.toByteArray();
            return null;
        });
        ctx.contentType("application/octet-stream")
                .header("Content-Disposition", "attachment; filename=\"" + run.getFileName() + "-samples-idx3-ubyte\"")
                .result(out[0]);
    }

    /**
     * Parses a request body that must be a JSON object holding an array of 1..max entries.
     *
     * @param text the body
     * @param field the array's name, e.g. {@code z}
     * @param per what one entry is, e.g. {@code sample}
     * @param holds what the array holds, for the message, e.g. {@code latent vectors, one array ...}
     * @param unit what the entries are counted as, e.g. {@code vectors}
     * @param max most entries
     * @return the body
     * @throws ApiError 400 with a one-line reason when it is not JSON, lacks the array or its count
     *     is out of range
     */
    private static JsonNode arrayBody(String text, String field, String per, String holds, String unit, int max) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("the body is not JSON: send {\"" + field + "\": [[...], ...]} with one array per " + per);
        }
        if (body == null || !body.isObject() || !body.path(field).isArray()) {
            throw ApiError.badRequest("the body needs \"" + field + "\": an array of " + holds);
        }
        int n = body.get(field).size();
        if (n < 1 || n > max) {
            throw ApiError.badRequest("\"" + field + "\" holds " + n + " " + unit + ": send 1.." + max);
        }
        return body;
    }

    /**
     * G on explicit latent vectors: {@code {"z": [[...], ...], "labels": [...], "nrow": k,
     * "scale": s}} answers a PNG grid ({@code "format": "json"}: the pixels as numbers).
     */
    private void generate(Context ctx) {
        Path run = index.run(ctx.pathParam("id"));
        lastGenerate = ctx.body();
        JsonNode body = arrayBody(lastGenerate, "z", "sample", "latent vectors, one array of numbers per sample",
                "vectors", MAX_SAMPLES);
        JsonNode zs = body.get("z");
        int n = zs.size();
        String format = body.path("format").asText("png");
        if (!format.equals("png") && !format.equals("json")) {
            throw ApiError.badRequest("unknown \"format\" '" + RunIndex.abbreviate(format) + "': use png or json");
        }
        int nrow = body.has("nrow") ? intIn(body.get("nrow"), "nrow", 1, MAX_SAMPLES) : ImageGrid.squareRow(n);
        int scale = body.has("scale") ? intIn(body.get("scale"), "scale", 1, 8) : 2;
        JsonNode labelsNode = body.get("labels");
        Object result = pool.with(run, s -> {
            ModelConfig m = s.model();
            float[] z = new float[n * m.latentDim()];
            for (int i = 0; i < n; i++) {
                JsonNode v = zs.get(i);
                if (!v.isArray() || v.size() != m.latentDim()) {
                    throw ApiError.badRequest("z[" + i + "] has " + (v.isArray() ? v.size() + " values" : "no array")
                            + " but this generator takes vectors of " + m.latentDim());
                }
                for (int d = 0; d < m.latentDim(); d++) {
                    JsonNode x = v.get(d);
                    if (!x.isNumber() || !Double.isFinite(x.asDouble()) || Math.abs(x.asDouble()) > 1e4) {
                        throw ApiError.badRequest("z[" + i + "][" + d + "] is " + RunIndex.abbreviate(x.toString())
                                + ": every value must be a finite number within +-10000");
                    }
                    z[i * m.latentDim() + d] = (float) x.asDouble();
                }
            }
            float[] x;
            if (m.conditional()) {
                int[] labels = labelsNode == null || labelsNode.isNull() ? LatentNoise.cyclicLabels(n, m.classes())
                        : labels(labelsNode, n, m);
                x = s.generate(z, labels);
            } else {
                if (labelsNode != null && !labelsNode.isNull()) {
                    throw ApiError.badRequest("this generator is not conditional: leave out \"labels\"");
                }
                x = s.generate(z, n);
            }
            return format.equals("json") ? Map.of("n", n, "channels", m.channels(), "height", m.height(), "width",
                    m.width(), "range", m.range().name(), "x", x) : png(m, x, n, nrow, scale);
        });
        if (result instanceof byte[] png) {
            ctx.contentType("image/png").result(png);
        } else {
            json(ctx, result);
        }
    }

    /**
     * An image-to-image generator on given images: {@code {"images": [[...], ...], "scale": s}},
     * each image C*H*W values in [0, 1] (row-major, channel-major); answers a PNG with the inputs
     * in the first row and their translations below.
     */
    private void translate(Context ctx) {
        Path run = index.run(ctx.pathParam("id"));
        lastTranslate = ctx.body();
        JsonNode body = arrayBody(lastTranslate, "images", "image", "images, each an array of pixel values in [0, 1]",
                "images", 64);
        JsonNode images = body.get("images");
        int n = images.size();
        int scale = body.has("scale") ? intIn(body.get("scale"), "scale", 1, 8) : 4;
        byte[] png = pool.with(run, s -> {
            ModelConfig m = s.model();
            if (!m.imageToImage()) {
                throw ApiError.badRequest("this generator (" + m.family() + ") samples noise: use /generate");
            }
            int dim = m.dataDim();
            float[] x = new float[n * dim];
            for (int i = 0; i < n; i++) {
                JsonNode img = images.get(i);
                if (!img.isArray() || img.size() != dim) {
                    throw ApiError.badRequest("images[" + i + "] has " + (img.isArray() ? img.size() + " values" : "no array")
                            + " but this generator takes " + m.channels() + "x" + m.height() + "x" + m.width() + " = " + dim);
                }
                for (int k = 0; k < dim; k++) {
                    JsonNode v = img.get(k);
                    if (!v.isNumber() || !(v.asDouble() >= 0 && v.asDouble() <= 1)) {
                        throw ApiError.badRequest("images[" + i + "][" + k + "] is " + RunIndex.abbreviate(v.toString())
                                + ": every pixel must be a number in [0, 1]");
                    }
                    double p = v.asDouble();
                    x[i * dim + k] = (float) (m.range() == io.jgan.config.PixelRange.SYMMETRIC ? 2 * p - 1 : p);
                }
            }
            float[] y = s.translate(x, n);
            float[] both = new float[2 * n * dim];
            System.arraycopy(x, 0, both, 0, x.length);
            System.arraycopy(y, 0, both, x.length, y.length);
            return png(m, both, 2 * n, n, scale);
        });
        ctx.contentType("image/png").result(png);
    }

    /**
     * The body of the last translate request received (for tests of the page).
     *
     * @return the JSON text, or null before any
     */
    public String lastTranslateRequest() {
        return lastTranslate;
    }

    // ----------------------------------------------------------------------------- helpers

    private static int[] labels(JsonNode node, int n, ModelConfig m) {
        if (!node.isArray() || node.size() != n) {
            throw ApiError.badRequest("\"labels\" must hold one class per vector of \"z\" (" + n + ")");
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = checkLabel(m, intIn(node.get(i), "labels[" + i + "]", 0, Integer.MAX_VALUE));
        }
        return y;
    }

    private static int checkLabel(ModelConfig m, int label) {
        if (!m.conditional()) {
            throw ApiError.badRequest("this generator is not conditional: it takes no label");
        }
        if (label >= m.classes()) {
            throw ApiError.badRequest("label " + label + " is not a class of this generator: use 0.." + (m.classes() - 1));
        }
        return label;
    }

    private static byte[] png(ModelConfig m, float[] x, int n, int nrow, int scale) {
        BufferedImage image = ImageGrid.render(x, n, m.channels(), m.height(), m.width(), m.range(), nrow, 2, scale);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int intIn(JsonNode v, String name, int min, int max) {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw ApiError.badRequest("\"" + name + "\" must be an integer in " + min + ".." + max);
        }
        return v.asInt();
    }

    private static int intParam(Context ctx, String name, int fallback, int min, int max) {
        Integer v = optionalInt(ctx, name, min, max);
        return v != null ? v : fallback;
    }

    private static Integer optionalInt(Context ctx, String name, int min, int max) {
        Long v = optionalLong(ctx, name, min, max);
        return v == null ? null : v.intValue();
    }

    private static long longParam(Context ctx, String name, long fallback, long min, long max) {
        Long v = optionalLong(ctx, name, min, max);
        return v != null ? v : fallback;
    }

    /** A query parameter as an integer in [min, max], or null when absent. */
    private static Long optionalLong(Context ctx, String name, long min, long max) {
        String s = ctx.queryParam(name);
        if (s == null || s.isEmpty()) {
            return null;
        }
        long v = parse(name, s);
        if (v < min || v > max) {
            throw ApiError.badRequest(name + "=" + RunIndex.abbreviate(s) + " is out of range: use " + min + ".." + max);
        }
        return v;
    }

    private static long parse(String name, String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name + "=" + RunIndex.abbreviate(s) + " is not an integer");
        }
    }

    private static void json(Context ctx, Object value) {
        try {
            ctx.contentType("application/json").result(Json.MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void error(Context ctx, int status, String reason) {
        ctx.status(status);
        json(ctx, Map.of("error", reason.replace('\n', ' ')));
    }

    private static String resource(String name) {
        try (InputStream in = Server.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
