package io.jgan.serve;

import static io.jgan.serve.ServeFixture.get;
import static io.jgan.serve.ServeFixture.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgan.format.Json;
import io.jgan.sample.Sampler;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The HTTP API: what it answers, every refusal as a one-line 4xx, and concurrent sampling. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServeApiTest {

    @TempDir
    static Path tmp;

    Path runs;
    Server server;
    int port;

    @BeforeAll
    void start() throws Exception {
        runs = tmp.resolve("runs");
        ServeFixture.train(runs, "plain", 4);
        ServeFixture.train(runs, "digits", 4, "--conditional");
        Files.createDirectories(runs.resolve("not-a-run"));
        Files.writeString(tmp.resolve("secret.txt"), "outside the runs folder");
        server = new Server(List.of(runs), "127.0.0.1", 0, 2);
        port = server.port();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    static JsonNode json(HttpResponse<byte[]> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void listsRunsAndTheirState() throws Exception {
        HttpResponse<byte[]> r = get(port, "/api/runs");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode list = json(r);
        assertThat(list).hasSize(2); // not-a-run has neither config.json nor checkpoints
        JsonNode plain = json(get(port, "/api/runs/plain"));
        assertThat(plain.get("model").asText()).isEqualTo("mlp");
        assertThat(plain.get("step").asLong()).isEqualTo(4);
        assertThat(plain.get("totalSteps").asLong()).isEqualTo(4);
        assertThat(plain.get("gridStep").asLong()).isEqualTo(4);
        assertThat(plain.get("checkpointStep").asLong()).isEqualTo(4);
        assertThat(plain.get("lossD").asDouble()).isPositive();
        assertThat(json(get(port, "/api/runs/digits")).get("classes").asInt()).isEqualTo(10);
        JsonNode m = json(get(port, "/api/runs/plain/metrics?since=2"));
        assertThat(m.get("step")).hasSize(2);
        assertThat(m.get("step").get(1).asDouble()).isEqualTo(4);
        HttpResponse<byte[]> grid = get(port, "/api/runs/plain/grid.png");
        assertThat(grid.headers().firstValue("content-type")).hasValue("image/png");
        assertThat(Arrays.equals(grid.body(), Files.readAllBytes(runs.resolve("plain/grids/step-00000004.png")))).isTrue();
    }

    @Test
    void samplesAreTheGeneratorsOwn() throws Exception {
        HttpResponse<byte[]> r = get(port, "/api/runs/plain/sample.png?n=64&seed=5&scale=1");
        assertThat(r.statusCode()).isEqualTo(200);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertThat(image.getWidth()).isGreaterThanOrEqualTo(8 * 28);
        // generate with explicit vectors = the seed's vectors from /latent: the same picture
        JsonNode latent = json(get(port, "/api/runs/plain/latent?n=64&seed=5"));
        assertThat(latent.get("z")).hasSize(64);
        assertThat(latent.get("z").get(0)).hasSize(100);
        HttpResponse<byte[]> g = post(port, "/api/runs/plain/generate",
                "{\"z\": " + latent.get("z") + ", \"nrow\": 8, \"scale\": 1}");
        assertThat(g.statusCode()).isEqualTo(200);
        assertThat(g.body()).isEqualTo(r.body());
        // JSON pixels equal the Java API's
        HttpResponse<byte[]> j = post(port, "/api/runs/plain/generate",
                "{\"z\": [" + latent.get("z").get(0) + "], \"format\": \"json\"}");
        float[] x = Json.MAPPER.treeToValue(json(j).get("x"), float[].class);
        try (Sampler s = Sampler.load(runs.resolve("plain"))) {
            float[] first = Arrays.copyOf(s.sample(64, 5), 784); // batch 64 and batch 1 round differently
            assertThat(x).hasSize(784);
            for (int i = 0; i < 784; i++) {
                assertThat(x[i]).isCloseTo(first[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
        // a class of a conditional generator, and IDX downloads
        HttpResponse<byte[]> sevens = get(port, "/api/runs/digits/sample.png?n=4&seed=1&label=7");
        assertThat(sevens.statusCode()).isEqualTo(200);
        HttpResponse<byte[]> idx = get(port, "/api/runs/digits/samples.idx?n=10&label=2");
        assertThat(idx.statusCode()).isEqualTo(200);
        assertThat(idx.body()).hasSize(16 + 10 * 784);
        assertThat(idx.body()[3]).isEqualTo((byte) 3); // IDX3 magic 0x00000803
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/api/runs/nope/metrics | 404 | no run 'nope'",
        "/api/runs/..%2F..%2Fsecret.txt/metrics | 400 | bad run id",
        "/api/runs/%2E%2E/grid.png | 400 | bad run id",
        "/api/runs/not-a-run/sample.png | 404 | no run 'not-a-run'",
        "/api/runs/plain/sample.png?n=257 | 400 | n=257 is out of range: use 1..256",
        "/api/runs/plain/sample.png?n=0 | 400 | out of range",
        "/api/runs/plain/sample.png?n=ten | 400 | n=ten is not an integer",
        "/api/runs/plain/sample.png?seed=1e3 | 400 | seed=1e3 is not an integer",
        "/api/runs/plain/sample.png?label=3 | 400 | not conditional",
        "/api/runs/digits/sample.png?label=10 | 400 | label 10 is not a class of this generator: use 0..9",
        "/api/runs/digits/samples.idx?n=10001 | 400 | out of range",
        "/api/runs/plain/metrics?since=-1 | 400 | out of range",
        "/api/nothing | 404 | no such page or API call",
    })
    void badRequestsGetOneLineReasons(String path, int status, String reason) throws Exception {
        HttpResponse<byte[]> r = get(port, path);
        assertError(r, status, reason);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "plain | {\"z\": [[1, 2]]} | z[0] has 2 values but this generator takes vectors of 100",
        "plain | {\"z\": [[NaN]]} | the body is not JSON",
        "plain | not json | the body is not JSON",
        "plain | {\"x\": 1} | the body needs \"z\"",
        "plain | {\"z\": []} | \"z\" holds 0 vectors: send 1..256",
        "plain | {\"z\": [ZERO], \"labels\": [1]} | not conditional",
        "plain | {\"z\": [ZERO], \"format\": \"gif\"} | unknown \"format\"",
        "plain | {\"z\": [ZERO], \"nrow\": 0} | \"nrow\" must be an integer in 1..256",
        "plain | {\"z\": [HUGE]} | must be a finite number",
        "plain | {\"z\": [TEXT]} | must be a finite number",
        "digits | {\"z\": [ZERO], \"labels\": [12]} | label 12 is not a class",
        "digits | {\"z\": [ZERO], \"labels\": [1, 2]} | one class per vector",
    })
    void badGenerateCallsGetOneLineReasons(String run, String body, String reason) throws Exception {
        String zero = Arrays.toString(new int[100]);
        String huge = zero.replaceFirst("0", "1e999");
        String text = zero.replaceFirst("0", "\"a\"");
        String json = body.replace("ZERO", zero).replace("HUGE", huge).replace("TEXT", text);
        assertError(post(port, "/api/runs/" + run + "/generate", json), 400, reason);
    }

    @Test
    void tooManySamplesAtOnceIsRefusedNotQueued() throws Exception {
        String many = "[" + String.join(",", java.util.Collections.nCopies(257, Arrays.toString(new int[100]))) + "]";
        assertError(post(port, "/api/runs/plain/generate", "{\"z\": " + many + "}"), 400, "holds 257 vectors");
    }

    static void assertError(HttpResponse<byte[]> r, int status, String reason) throws Exception {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(r.statusCode()).as(body).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        String error = json(r).get("error").asText();
        assertThat(error).contains(reason).doesNotContain("\n").doesNotContain("Exception").doesNotContain("at io.");
    }

    @Test
    void serveCommandRefusesBadOptionsInOneLine() {
        io.jgan.cli.CliSmokeTest.Run busyPort = io.jgan.cli.CliSmokeTest.jgan("serve", runs.toString(), "--port",
                Integer.toString(port));
        assertThat(busyPort.exitCode()).isEqualTo(io.jgan.JganException.IO);
        assertThat(busyPort.err().strip()).startsWith("jgan: error: cannot listen on 127.0.0.1:" + port)
                .contains("choose another --port").doesNotContain("\n");
        io.jgan.cli.CliSmokeTest.Run badPort = io.jgan.cli.CliSmokeTest.jgan("serve", "--port", "70000");
        assertThat(badPort.exitCode()).isEqualTo(io.jgan.JganException.USAGE);
        assertThat(badPort.err()).contains("--port must be in 0..65535");
        io.jgan.cli.CliSmokeTest.Run missing = io.jgan.cli.CliSmokeTest.jgan("serve", tmp.resolve("nowhere").toString());
        assertThat(missing.exitCode()).isEqualTo(io.jgan.JganException.USAGE);
        assertThat(missing.err()).contains("run folder not found");
    }

    /** Sixteen threads sampling the same run at once get exactly what one thread alone gets. */
    @Test
    void concurrentRequestsAreServedCorrectly() throws Exception {
        byte[] alone = get(port, "/api/runs/digits/sample.png?n=64&seed=11").body();
        ExecutorService threads = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<byte[]>> results = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            int k = i;
            results.add(threads.submit(() -> {
                go.await();
                String path = k % 2 == 0 ? "/api/runs/digits/sample.png?n=64&seed=11" : "/api/runs/plain/sample.png?n=64";
                HttpResponse<byte[]> r = get(port, path);
                assertThat(r.statusCode()).isEqualTo(200);
                return r.body();
            }));
        }
        go.countDown();
        for (int i = 0; i < results.size(); i += 2) {
            assertThat(results.get(i).get()).isEqualTo(alone);
        }
        threads.shutdown();
    }

    /** With every slot taken, a request waits its bounded time and then gets 503, not a queue without end. */
    @Test
    void aFullPoolAnswersBusy() throws Exception {
        Path run = runs.resolve("plain");
        try (GeneratorPool pool = new GeneratorPool(1, 100)) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread t = new Thread(() -> pool.with(run, s -> {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            t.start();
            holding.await();
            long start = System.nanoTime();
            assertThatThrownBy(() -> pool.with(run, s -> s.sample(1, 1))).isInstanceOf(ApiError.class)
                    .hasMessageContaining("busy").extracting(e -> ((ApiError) e).status()).isEqualTo(503);
            assertThat((System.nanoTime() - start) / 1e6).isGreaterThanOrEqualTo(90);
            release.countDown();
            t.join();
            float[] one = pool.with(run, s -> s.sample(1, 1));
            assertThat(one).hasSize(784); // free again
        }
    }
}
