package io.jgan.cli;

import io.jgan.JganException;
import io.jgan.engine.ProcessGroup;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Data-parallel training, as {@code torchrun} runs it: {@code --nproc} processes on this machine,
 * {@code --nnodes} machines meeting at {@code --master}, or processes a scheduler started with
 * the torchrun variables ({@code RANK}, {@code WORLD_SIZE}, {@code MASTER_ADDR}, {@code
 * MASTER_PORT}, {@code LOCAL_RANK}) already set.
 */
public final class ParallelOptions {

    /** The environment names torchrun sets, read by a worker. */
    static final String RANK = "RANK";
    static final String WORLD_SIZE = "WORLD_SIZE";
    static final String LOCAL_RANK = "LOCAL_RANK";
    static final String MASTER_ADDR = "MASTER_ADDR";
    static final String MASTER_PORT = "MASTER_PORT";
    /** Set by jgan's own launcher for the processes it starts. */
    static final String LAUNCHED = "JGAN_LAUNCHED";

    @Option(names = "--nproc", paramLabel = "N", defaultValue = "1", description = "data-parallel training in N"
            + " processes on this machine (each with its shard of every batch and cores / N threads; gradients summed"
            + " over them by libtorch's c10d, Gloo), like torchrun --nproc-per-node")
    int nproc = 1;

    @Option(names = "--nnodes", paramLabel = "M", defaultValue = "1", description = "machines in the job, each running"
            + " this command with its own --node-rank and the same --master (default 1)")
    int nnodes = 1;

    @Option(names = "--node-rank", paramLabel = "K", defaultValue = "0", description = "this machine's place among"
            + " --nnodes, 0 to M-1; node 0 holds rank 0, which writes the run folder")
    int nodeRank = 0;

    @Option(names = "--master", paramLabel = "ADDR:PORT", description = "where the ranks meet: an address of node 0"
            + " and a free port (default for one machine: 127.0.0.1 and a free port)")
    String master;

    @Option(names = "--sync-bn", description = "data parallelism: batch norm uses the whole global batch's statistics"
            + " (as PyTorch's SyncBatchNorm); without it each process normalises its own shard")
    boolean syncBatchNorm;

    @Option(names = "--dist-timeout", paramLabel = "SECONDS", defaultValue = "300", description = "data parallelism:"
            + " how long the ranks wait for each other (to meet, and in each exchange) before the job stops"
            + " (default 300: rank 0 may be writing a checkpoint or an evaluation)")
    int timeoutSeconds = 300;

    /** What this process is in a job. */
    enum Role {
        /** One process, no data parallelism. */
        SINGLE,
        /** Starts this machine's workers and waits for them. */
        LAUNCHER,
        /** One rank (started by jgan's launcher or by a scheduler). */
        WORKER
    }

    /**
     * @param env the process's environment
     * @return what this process is
     * @throws JganException for inconsistent options
     */
    Role role(Map<String, String> env) {
        check();
        boolean scheduled = env.containsKey(WORLD_SIZE) || env.containsKey(RANK);
        if (scheduled && env.get(LAUNCHED) == null && (nproc > 1 || nnodes > 1)) {
            throw new JganException(JganException.USAGE, "RANK / WORLD_SIZE are set, so this process is already one"
                    + " rank of a job: drop --nproc and --nnodes (a scheduler starts every rank itself), or unset them");
        }
        if (scheduled) {
            return worldSize(env) > 1 ? Role.WORKER : Role.SINGLE;
        }
        return nproc > 1 || nnodes > 1 ? Role.LAUNCHER : Role.SINGLE;
    }

    private void check() {
        if (nproc < 1 || nproc > 256) {
            throw new JganException(JganException.USAGE, "--nproc must be 1 to 256, got " + nproc);
        }
        if (nnodes < 1) {
            throw new JganException(JganException.USAGE, "--nnodes must be at least 1, got " + nnodes);
        }
        if (nodeRank < 0 || nodeRank >= nnodes) {
            throw new JganException(JganException.USAGE, "--node-rank must be 0 to " + (nnodes - 1) + " for --nnodes "
                    + nnodes + ", got " + nodeRank);
        }
        if (nnodes > 1 && master == null) {
            throw new JganException(JganException.USAGE, "--nnodes " + nnodes + " needs --master ADDR:PORT, an address"
                    + " of node 0 that every node reaches, and a free port there");
        }
        if (timeoutSeconds < 1) {
            throw new JganException(JganException.USAGE, "--dist-timeout must be at least 1 second, got "
                    + timeoutSeconds);
        }
        if (master != null) {
            parseMaster(master);
        }
    }

    /** @return {host, port} of ADDR:PORT */
    static String[] parseMaster(String spec) {
        int colon = spec.lastIndexOf(':');
        String host = colon > 0 ? spec.substring(0, colon) : "";
        String port = colon > 0 ? spec.substring(colon + 1) : "";
        if (host.isEmpty() || !port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new JganException(JganException.USAGE, "--master must be ADDR:PORT (e.g. 10.0.0.1:29500), got '" + spec
                    + "'");
        }
        return new String[] {host, port};
    }

    private static int worldSize(Map<String, String> env) {
        return intVar(env, WORLD_SIZE);
    }

    private static int intVar(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null) {
            throw new JganException(JganException.USAGE, name + " is not set, but " + (name.equals(RANK) ? WORLD_SIZE
                    : RANK) + " is: a scheduler must set RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT together");
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new JganException(JganException.USAGE, name + " must be a whole number, got '" + v + "'");
        }
    }

    /**
     * A rank's intra-op threads: OMP_NUM_THREADS when set (jgan's launcher sets cores / N), else
     * this machine's cores shared among LOCAL_WORLD_SIZE ranks (a scheduler's), so that ranks on
     * one machine do not each take every core.
     *
     * @param env the environment
     * @param cores this machine's cores
     * @return the threads, or 0 to keep libtorch's default
     */
    static int threadsPerRank(Map<String, String> env, int cores) {
        for (String name : new String[] {"OMP_NUM_THREADS", "LOCAL_WORLD_SIZE"}) {
            String v = env.get(name);
            if (v != null && v.trim().matches("\\d{1,4}") && Integer.parseInt(v.trim()) > 0) {
                int n = Integer.parseInt(v.trim());
                return name.equals("OMP_NUM_THREADS") ? n : Math.max(1, cores / n);
            }
        }
        return 0;
    }

    /**
     * The rendezvous of a worker, from the torchrun variables.
     *
     * @param env the environment
     * @return where and who
     */
    ProcessGroup.Rendezvous rendezvous(Map<String, String> env) {
        String addr = env.getOrDefault(MASTER_ADDR, "127.0.0.1");
        if (!env.containsKey(MASTER_PORT)) {
            throw new JganException(JganException.USAGE, "MASTER_PORT is not set: a scheduler must set RANK, WORLD_SIZE,"
                    + " MASTER_ADDR and MASTER_PORT together");
        }
        return new ProcessGroup.Rendezvous(addr, intVar(env, MASTER_PORT), intVar(env, RANK), worldSize(env),
                Duration.ofSeconds(timeoutSeconds));
    }
}
