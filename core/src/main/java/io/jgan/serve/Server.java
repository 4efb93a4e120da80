package io.jgan.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.jgan.config.ModelConfig;
import io.jgan.format.ImageGrid;
import io.jgan.model.Family;
import io.jgan.model.LatentNoise;
import io.jgan.sample.Sampler;
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
            config.routes.get("/api/runs", ctx -> Responses.json(ctx, runs()));
            config.routes.get("/api/sweeps", ctx -> Responses.json(ctx, index.sweeps()));
            config.routes.get("/api/runs/{id}", ctx -> Responses.json(ctx, index.summary(ctx.pathParam("id"))));
            config.routes.get("/api/runs/{id}/metrics", this::metrics);
            config.routes.get("/api/runs/{id}/grid.png", this::grid);
            config.routes.get("/api/runs/{id}/latent", this::latent);
            config.routes.get("/api/runs/{id}/sample.png", this::samplePng);
            config.routes.get("/api/runs/{id}/samples.idx", this::sampleIdx);
            config.routes.post("/api/runs/{id}/generate", this::generate);
            config.routes.post("/api/runs/{id}/translate", this::translate);
            config.routes.exception(ApiError.class, (e, ctx) -> Responses.error(ctx, e.status(), e.getMessage()));
            // a user's mistake reported by the library (e.g. sampling an image-to-image model)
            config.routes.exception(io.jgan.JganException.class, (e, ctx) -> Responses.error(ctx, 400, e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> Responses.error(ctx, 500, "internal error: " + e));
            config.routes.error(404, ctx -> {
                String type = ctx.res().getContentType();
                if (type == null || !type.startsWith("application/json")) { // not one of our own 404s
                    Responses.error(ctx, 404, "no such page or API call: " + RunIndex.abbreviate(ctx.path())
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

    /** Curves of the run after step {@code since}: the metrics log's columns (thinned), the eval log's. */
    private void metrics(Context ctx) {
        Path run = index.run(ctx.pathParam("id"));
        long since = Requests.longParam(ctx, "since", 0, 0, Long.MAX_VALUE);
        Map<String, Object> out = new LinkedHashMap<>(index.metricCurves(run, since, MAX_POINTS));
        out.put("eval", index.evalCurves(run, since));
        Responses.json(ctx, out);
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
        int n = Requests.intParam(ctx, "n", 16, 1, MAX_SAMPLES);
        long seed = Requests.longParam(ctx, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        ModelConfig m = pool.with(run, Sampler::model);
        boolean imageToImage = Family.of(m).imageToImage();
        float[] z = imageToImage ? new float[0] : LatentNoise.forIds(seed, 0, n, m.latentDim());
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = Arrays.copyOfRange(z, i * m.latentDim(), (i + 1) * m.latentDim());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("latentDim", m.latentDim());
        out.put("classes", m.classes());
        out.put("imageToImage", imageToImage);
        out.put("channels", m.channels());
        out.put("height", m.height());
        out.put("width", m.width());
        out.put("z", rows);
        Responses.json(ctx, out);
    }

    private void samplePng(Context ctx) {
        Path run = index.run(ctx.pathParam("id"));
        int n = Requests.intParam(ctx, "n", 64, 1, MAX_SAMPLES);
        long seed = Requests.longParam(ctx, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        Integer nrow = Requests.optionalInt(ctx, "nrow", 1, MAX_SAMPLES);
        int scale = Requests.intParam(ctx, "scale", 2, 1, 8);
        Integer label = Requests.optionalInt(ctx, "label", 0, 255);
        byte[] png = pool.with(run, s -> Responses.png(s.model(), sample(s, n, seed, label), n,
                nrow != null ? nrow : ImageGrid.squareRow(n), scale));
        ctx.contentType("image/png").result(png);
    }

    private void sampleIdx(Context ctx) {
        Path run = index.run(ctx.pathParam("id"));
        int n = Requests.intParam(ctx, "n", 64, 1, MAX_DOWNLOAD);
        long seed = Requests.longParam(ctx, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        Integer label = Requests.optionalInt(ctx, "label", 0, 255);
        byte[] idx = pool.with(run, s -> {
            return Responses.idx(s.model(), sample(s, n, seed, label), n);
        });
        ctx.contentType("application/octet-stream")
                .header("Content-Disposition", "attachment; filename=\"" + run.getFileName() + "-samples-idx3-ubyte\"")
                .result(idx);
    }

    private static float[] sample(Sampler s, int n, long seed, Integer label) {
        return label != null ? s.sample(n, seed, Requests.label(s.model(), label)) : s.sample(n, seed);
    }

    /**
     * G on explicit latent vectors: {@code {"z": [[...], ...], "labels": [...], "nrow": k,
     * "scale": s}} answers a PNG grid ({@code "format": "json"}: the pixels as numbers).
     */
    private void generate(Context ctx) {
        Path run = index.run(ctx.pathParam("id"));
        JsonNode body = Requests.arrayBody(ctx.body(), "z", "sample", "latent vectors, one array of numbers per sample",
                "vectors", MAX_SAMPLES);
        JsonNode zs = body.get("z");
        int n = zs.size();
        String format = body.path("format").asText("png");
        if (!format.equals("png") && !format.equals("json")) {
            throw ApiError.badRequest("unknown \"format\" '" + RunIndex.abbreviate(format) + "': use png or json");
        }
        int nrow = body.has("nrow") ? Requests.intIn(body.get("nrow"), "nrow", 1, MAX_SAMPLES) : ImageGrid.squareRow(n);
        int scale = body.has("scale") ? Requests.intIn(body.get("scale"), "scale", 1, 8) : 2;
        JsonNode labelsNode = body.get("labels");
        boolean labelled = labelsNode != null && !labelsNode.isNull();
        Object result = pool.with(run, s -> {
            ModelConfig m = s.model();
            float[] z = Requests.latentVectors(zs, m);
            float[] x;
            if (m.conditional()) {
                x = s.generate(z, labelled ? Requests.labels(labelsNode, n, m) : LatentNoise.unaskedLabels(m, 0, n));
            } else if (labelled) {
                throw ApiError.badRequest("this generator is not conditional: leave out \"labels\"");
            } else {
                x = s.generate(z, n);
            }
            return format.equals("json") ? Map.of("n", n, "channels", m.channels(), "height", m.height(), "width",
                    m.width(), "range", m.range().name(), "x", x) : Responses.png(m, x, n, nrow, scale);
        });
        if (result instanceof byte[] png) {
            ctx.contentType("image/png").result(png);
        } else {
            Responses.json(ctx, result);
        }
    }

    /**
     * An image-to-image generator on given images: {@code {"images": [[...], ...], "scale": s}},
     * each image C*H*W values in [0, 1] (row-major, channel-major); answers a PNG with the inputs
     * in the first row and their translations below.
     */
    private void translate(Context ctx) {
        Path run = index.run(ctx.pathParam("id"));
        JsonNode body = Requests.arrayBody(ctx.body(), "images", "image",
                "images, each an array of pixel values in [0, 1]", "images", 64);
        JsonNode images = body.get("images");
        int n = images.size();
        int scale = body.has("scale") ? Requests.intIn(body.get("scale"), "scale", 1, 8) : 4;
        byte[] png = pool.with(run, s -> {
            ModelConfig m = s.model();
            if (!Family.of(m).imageToImage()) {
                throw ApiError.badRequest("this generator (" + m.family() + ") samples noise: use /generate");
            }
            float[] x = Requests.images(images, m);
            return Responses.png(ImageGrid.rows(m, n, scale, x, s.translate(x, n)));
        });
        ctx.contentType("image/png").result(png);
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
