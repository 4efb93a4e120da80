package io.jgan.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.cli.CliSmokeTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/** Small trained runs and an HTTP client for the serve tests. */
final class ServeFixture {

    private ServeFixture() {}

    static final HttpClient HTTP = HttpClient.newHttpClient();

    /**
     * Trains a tiny run into {@code runs/ID} (seconds): 200 digits, batch 50, a checkpoint at the end.
     *
     * @param runs the folder of runs
     * @param id the run's folder name
     * @param steps iterations
     * @param extra more train options
     * @return the run folder
     */
    static Path train(Path runs, String id, int steps, String... extra) {
        Path run = runs.resolve(id);
        String[] base = {"train", "--limit", "200", "--batch-size", "50", "--max-steps", Integer.toString(steps),
            "--grid-every", "2", "--no-progress", "--no-tensorboard", "--seed", "3", "--out", run.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        CliSmokeTest.Run r = CliSmokeTest.jgan(args);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return run;
    }

    static HttpResponse<byte[]> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> post(int port, String path, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
