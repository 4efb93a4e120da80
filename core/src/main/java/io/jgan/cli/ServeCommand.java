package io.jgan.cli;

import io.jgan.JganException;
import io.jgan.serve.Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jgan serve}: the runs in a browser, live while they train, and their generators to explore. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a web page of runs: live training views and a generator explorer.",
            "The live view of a run that is training shows its grid, curves and metrics; the explorer shows a run's",
            "generator (seeds, latent sliders, classes, interpolation, downloads; a drawing canvas for pix2pix).",
            "The README documents the HTTP API behind them. Stop it with Ctrl-C."})
public final class ServeCommand implements Callable<Integer> {

    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN", arity = "0..*", description = "run folders or folders of runs (default: runs)")
    List<Path> runs = new ArrayList<>();

    @Option(names = "--host", paramLabel = "ADDR",
            description = "address to listen on (default ${DEFAULT-VALUE}: this machine only; 0.0.0.0 for every network)")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "N", description = "port (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int port = 8080;

    @Option(names = "--max-in-flight", paramLabel = "N",
            description = "sampling requests run at once; the rest wait, up to 10 s, then get 503 (default ${DEFAULT-VALUE})")
    int maxInFlight = 2;

    @Override
    public Integer call() throws InterruptedException {
        engine.apply();
        if (port < 0 || port > 65535) {
            throw new JganException(JganException.USAGE, "--port must be in 0..65535, got " + port);
        }
        if (maxInFlight < 1 || maxInFlight > 64) {
            throw new JganException(JganException.USAGE, "--max-in-flight must be in 1..64, got " + maxInFlight);
        }
        List<Path> roots = runs.isEmpty() ? List.of(Path.of("runs")) : runs;
        for (Path r : roots) {
            if (!Files.isDirectory(r) && !runs.isEmpty()) {
                throw new JganException(JganException.USAGE, "run folder not found: " + r
                        + " (give run folders, or a folder of runs such as runs)");
            }
        }
        Server server;
        try {
            server = new Server(roots, host, port, maxInFlight);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new JganException(JganException.IO, "cannot listen on " + host + ":" + port + " (" + root.getMessage()
                    + "): choose another --port, or stop what uses it");
        }
        String shown = host.equals("0.0.0.0") ? "localhost" : host;
        spec.commandLine().getOut().printf("jgan: serving %s at http://%s:%d/ (Ctrl-C stops)%n",
                String.join(", ", roots.stream().map(Path::toString).toList()), shown, server.port());
        spec.commandLine().getOut().flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }
}
