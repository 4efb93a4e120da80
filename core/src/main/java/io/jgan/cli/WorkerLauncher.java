package io.jgan.cli;

import io.jgan.JganException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * Starts this machine's ranks of a data-parallel job and waits for them, as {@code torchrun}
 * does: the same {@code jgan} command line in N new JVMs, each with the torchrun variables set
 * and cores / N intra-op threads.
 *
 * <p>Rank 0 keeps this terminal (progress, summary, errors). The other ranks print nothing when
 * all goes well; what one of them writes to standard error is shown if it is the rank that
 * failed. When a rank fails the others stop by themselves (their next exchange fails at once, or
 * after --dist-timeout), and whatever is still running after that is ended.
 *
 * <p>Signals: Ctrl-C reaches every rank from the terminal, and they agree to stop after the same
 * step; a SIGTERM sent to this process (a scheduler's) is passed on to the ranks.
 */
final class WorkerLauncher {

    private final ParallelOptions parallel;
    private final List<String> args;
    private final PrintWriter err;

    /**
     * @param parallel the job's shape
     * @param args this command line, as given (each rank gets it unchanged)
     * @param err where the launcher's own lines go
     */
    WorkerLauncher(ParallelOptions parallel, List<String> args, PrintWriter err) {
        this.parallel = parallel;
        this.args = args;
        this.err = err;
    }

    /** One started rank. */
    private record Rank(int rank, Process process, StringBuilder errors) {}

    /**
     * Starts the ranks and waits for them.
     *
     * @return the job's exit code: 0, rank 0's (75 after a signal), or the failing rank's
     */
    int run() {
        String host;
        int port;
        if (parallel.master != null) {
            String[] m = ParallelOptions.parseMaster(parallel.master);
            host = m[0];
            port = Integer.parseInt(m[1]);
        } else {
            host = "127.0.0.1";
            port = freePort();
        }
        int world = parallel.nproc * parallel.nnodes;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / parallel.nproc);
        List<Rank> ranks = new ArrayList<>();
        try {
            for (int local = 0; local < parallel.nproc; local++) {
                int rank = parallel.nodeRank * parallel.nproc + local;
                ranks.add(start(rank, local, world, host, port, threads));
            }
            List<Rank> started = List.copyOf(ranks);
            try {
                Signal.handle(new Signal("TERM"), s -> passTerm(started));
            } catch (IllegalArgumentException e) {
                // the JVM keeps SIGTERM (-Xrs): its default (ending this process) stands
            }
            try {
                Signal.handle(new Signal("INT"), s -> { }); // the ranks have it from the terminal
            } catch (IllegalArgumentException e) {
                // as above
            }
            return waitFor(ranks);
        } catch (IOException e) {
            ranks.forEach(r -> r.process().destroyForcibly());
            throw new JganException(JganException.IO, "cannot start a worker process: " + e.getMessage());
        }
    }

    private static void passTerm(List<Rank> ranks) {
        for (Rank r : ranks) {
            r.process().destroy(); // SIGTERM: a rank finishes its step and checkpoints
        }
    }

    private Rank start(int rank, int local, int world, String host, int port, int threads) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib:jdwp") && !a.startsWith("-javaagent")) { // no debugger or agent per rank
                command.add(a);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put(ParallelOptions.RANK, Integer.toString(rank));
        env.put(ParallelOptions.LOCAL_RANK, Integer.toString(local));
        env.put(ParallelOptions.WORLD_SIZE, Integer.toString(world));
        env.put(ParallelOptions.MASTER_ADDR, host);
        env.put(ParallelOptions.MASTER_PORT, Integer.toString(port));
        env.put("LOCAL_WORLD_SIZE", Integer.toString(parallel.nproc));
        env.put(ParallelOptions.LAUNCHED, "1");
        env.putIfAbsent("OMP_NUM_THREADS", Integer.toString(threads)); // libtorch's intra-op threads
        env.putIfAbsent("OPENBLAS_NUM_THREADS", env.get("OMP_NUM_THREADS"));
        if (rank == 0) {
            pb.inheritIO();
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
        }
        Process p = pb.start();
        StringBuilder errors = new StringBuilder();
        if (rank != 0) {
            Thread t = new Thread(() -> collect(p, errors), "jgan-rank-" + rank + "-stderr");
            t.setDaemon(true);
            t.start();
        }
        return new Rank(rank, p, errors);
    }

    private static void collect(Process p, StringBuilder errors) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (errors) {
                    if (!line.startsWith("[Gloo]") && errors.length() < 20_000) {
                        errors.append(line).append('\n');
                    }
                }
            }
        } catch (IOException e) {
            // the rank is gone; what it wrote so far stands
        }
    }

    /** Waits for every rank; after the first failure, gives the others the time-out to stop, then ends them. */
    private int waitFor(List<Rank> ranks) {
        Rank failed = null;
        int failedCode = 0;
        List<Rank> running = new ArrayList<>(ranks);
        long deadline = Long.MAX_VALUE;
        while (!running.isEmpty()) {
            for (Rank r : List.copyOf(running)) {
                if (!r.process().isAlive()) {
                    running.remove(r);
                    int code = r.process().exitValue();
                    if (code != 0 && failed == null) {
                        failed = r;
                        failedCode = code;
                        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(parallel.timeoutSeconds + 10L);
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                for (Rank r : running) {
                    r.process().destroyForcibly();
                }
                deadline = Long.MAX_VALUE;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.forEach(r -> r.process().destroyForcibly());
                return 1;
            }
        }
        if (failed == null) {
            return 0;
        }
        int rank0 = ranks.get(0).rank() == 0 ? ranks.get(0).process().exitValue() : JganException.RANK_LOST;
        if (rank0 != 0 && rank0 != JganException.RANK_LOST) {
            return rank0; // rank 0's own error (bad data, a signal's 75 ...), already on this terminal
        }
        // rank 0 lost the others, or is on another node: the failing rank's own words are the cause
        String text;
        synchronized (failed.errors()) {
            text = failed.errors().toString().strip();
        }
        if (failed.rank() != 0 && !text.isEmpty()) {
            err.println("[rank " + failed.rank() + "] " + text.replace("\n", "\n[rank " + failed.rank() + "] "));
        }
        err.println("jgan: rank " + failed.rank() + " " + describe(failedCode) + ", so the job stopped; its last"
                + " checkpoint is intact (continue with --resume RUN, with any --nproc)");
        err.flush();
        return failedCode > 128 ? JganException.RANK_LOST : failedCode;
    }

    private static String describe(int code) {
        if (code > 128) {
            int sig = code - 128;
            String name = switch (sig) {
                case 9 -> "SIGKILL";
                case 15 -> "SIGTERM";
                case 2 -> "SIGINT";
                case 6 -> "SIGABRT";
                case 11 -> "SIGSEGV";
                default -> "signal " + sig;
            };
            return "was killed (" + name + ", exit code " + code + ")";
        }
        return "exited with code " + code;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot find a free local port for the ranks to meet on: "
                    + e.getMessage() + "; give one with --master 127.0.0.1:PORT");
        }
    }
}
