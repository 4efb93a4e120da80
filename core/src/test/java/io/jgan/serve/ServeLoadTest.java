package io.jgan.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded load on loopback: 8 clients each ask for a 64-sample PNG (distinct seeds) in a loop.
 * No request may fail; latency percentiles, throughput and resident memory are printed.
 *
 * <p>CI runs 8 x 25 requests. The benchmark ({@code scripts/serve-load.sh}) runs 8 x 1,250 =
 * 10,000 with {@code -Djgan.serve.load=1250}, and then also requires resident memory at the end
 * to be within 10% of what it was after the first 1,000 requests.
 */
class ServeLoadTest {

    static final int CLIENTS = 8;

    @TempDir
    Path tmp;

    @Test
    void eightClientsGetEveryAnswer() throws Exception {
        int perClient = Integer.getInteger("jgan.serve.load", 25);
        Path runs = tmp.resolve("runs");
        ServeFixture.train(runs, "digits", 4, "--conditional");
        try (Server server = new Server(List.of(runs), "127.0.0.1", 0, 2)) {
            int port = server.port();
            for (int i = 0; i < 20; i++) { // warm-up: JIT, the generator's first load
                assertThat(ServeFixture.get(port, "/api/runs/digits/sample.png?n=64&seed=" + i).statusCode()).isEqualTo(200);
            }
            int total = CLIENTS * perClient;
            long[] latencyNanos = new long[total];
            AtomicInteger done = new AtomicInteger();
            long[] rssAt = new long[3]; // KiB after 10%, 50%, 100% of the requests
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> futures = new ArrayList<>();
            long start = System.nanoTime();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                futures.add(clients.submit(() -> {
                    for (int i = 0; i < perClient; i++) {
                        long t0 = System.nanoTime();
                        HttpResponse<byte[]> r = ServeFixture.get(port, "/api/runs/digits/sample.png?n=64&seed="
                                + (client * perClient + i));
                        long t = System.nanoTime() - t0;
                        assertThat(r.statusCode()).isEqualTo(200);
                        assertThat(r.body()).isNotEmpty();
                        int k = done.getAndIncrement();
                        latencyNanos[k] = t;
                        if (k + 1 == total / 10) {
                            rssAt[0] = rssKib();
                        } else if (k + 1 == total / 2) {
                            rssAt[1] = rssKib();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            rssAt[2] = rssKib();
            clients.shutdown();
            Arrays.sort(latencyNanos);
            System.out.printf("serve load: %d clients x %d requests of sample.png?n=64: 0 errors, p50 %.1f ms, p99 %.1f ms,"
                    + " max %.1f ms, %.1f requests/s; RSS %d / %d / %d MiB after %d / %d / %d requests; CPU %s%n",
                    CLIENTS, perClient, latencyNanos[total / 2] / 1e6, latencyNanos[(int) (total * 0.99)] / 1e6,
                    latencyNanos[total - 1] / 1e6, total / seconds, rssAt[0] / 1024, rssAt[1] / 1024, rssAt[2] / 1024,
                    total / 10, total / 2, total, io.jgan.bench.KernelReport.cpu());
            assertThat(done.get()).isEqualTo(total);
            if (total >= 10_000) {
                assertThat((double) rssAt[2]).as("resident memory flat over the run").isLessThanOrEqualTo(rssAt[0] * 1.10);
            }
        }
    }

    static long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            // not Linux: no figure
        }
        return 0;
    }
}
