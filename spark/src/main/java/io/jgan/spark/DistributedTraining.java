package io.jgan.spark;

import io.jgan.JganException;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.BarrierTaskInfo;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Data-parallel {@code jgan train} launched by Spark, as Spark's {@code TorchDistributor} launches
 * PyTorch: a barrier-mode stage of N tasks, all scheduled together or not at all; task 0 takes a
 * free port on its host and every task learns it (and task 0's address) from the barrier
 * context; each task then starts one jgan rank as a process with the torchrun variables set
 * ({@code RANK}, {@code WORLD_SIZE}, {@code LOCAL_RANK}, {@code LOCAL_WORLD_SIZE},
 * {@code MASTER_ADDR}, {@code MASTER_PORT}), which meet over libtorch's c10d (Gloo) exactly as
 * ranks that {@code jgan train --nproc} starts. Rank 0 writes the run folder: the job's result.
 */
public final class DistributedTraining {

    /**
     * How one rank ended.
     *
     * @param rank its rank
     * @param exitCode the jgan process's exit code
     * @param error its error line, or empty
     * @param host where it ran
     */
    public record RankResult(int rank, int exitCode, String error, String host) implements Serializable {}

    private DistributedTraining() {}

    /**
     * Runs {@code jgan train} on {@code ranks} Spark tasks at once.
     *
     * @param jsc the Spark context (its cluster needs {@code ranks} free task slots)
     * @param ranks the world size
     * @param trainArgs jgan train's options, {@code --out} among them (a folder rank 0's machine
     *     writes: a shared file system on a cluster)
     * @return each rank's result, by rank
     */
    public static List<RankResult> run(JavaSparkContext jsc, int ranks, List<String> trainArgs) {
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < ranks; i++) {
            slots.add(i);
        }
        scala.Function1<scala.collection.Iterator<Integer>, scala.collection.Iterator<RankResult>> task =
                (scala.Function1<scala.collection.Iterator<Integer>, scala.collection.Iterator<RankResult>> & Serializable)
                        it -> scala.jdk.javaapi.CollectionConverters.asScala(rankOrFail(trainArgs));
        return jsc.parallelize(slots, ranks).rdd().barrier()
                .mapPartitions(task, false, scala.reflect.ClassTag$.MODULE$.apply(RankResult.class)).toJavaRDD().collect();
    }

    private static java.util.Iterator<RankResult> rankOrFail(List<String> trainArgs) {
        try {
            return List.of(rank(trainArgs)).iterator();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the rank's task was cancelled", e);
        }
    }

    /** One barrier task: agree on the rendezvous, start the rank, wait for it. */
    private static RankResult rank(List<String> trainArgs) throws IOException,
            InterruptedException {
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int rank = ctx.partitionId();
        BarrierTaskInfo[] tasks = ctx.getTaskInfos();
        String masterHost = host(tasks[0].address());
        String myHost = host(tasks[rank].address());
        String port = "";
        if (rank == 0) {
            try (ServerSocket s = new ServerSocket(0)) { // free now; c10d's store binds it next
                port = Integer.toString(s.getLocalPort());
            }
        }
        String[] gathered = ctx.allGather(port);
        String masterPort = gathered[0];
        int local = 0;
        int localWorld = 0;
        for (int i = 0; i < tasks.length; i++) {
            if (host(tasks[i].address()).equals(myHost)) {
                localWorld++;
                local += i < rank ? 1 : 0;
            }
        }
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(trainArgs);
        if (rank != 0 && !trainArgs.contains("--no-progress")) {
            args.add("--no-progress"); // one progress bar: rank 0's
        }
        List<String> command = ChildMain.command(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("RANK", Integer.toString(rank));
        env.put("LOCAL_RANK", Integer.toString(local));
        env.put("WORLD_SIZE", Integer.toString(tasks.length));
        env.put("LOCAL_WORLD_SIZE", Integer.toString(localWorld));
        env.put("MASTER_ADDR", masterHost);
        env.put("MASTER_PORT", masterPort);
        ChildMain.useTaskCores(env, ctx); // the task's cores are the rank's threads
        Path log = Files.createTempFile("jgan-rank-" + rank + "-", ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        int code;
        try {
            // a task of the stage that failed (another rank stopped) or was cancelled is marked
            // killed: stop this rank too, rather than leave it waiting for its peers
            while (!p.waitFor(500, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (ctx.isInterrupted()) {
                    p.destroy();
                    p.waitFor();
                    throw new IllegalStateException("rank " + rank + " stopped: the Spark stage was killed ("
                            + ctx.getKillReason().getOrElse(() -> "another rank failed") + ")");
                }
            }
            code = p.exitValue();
        } catch (InterruptedException e) {
            p.destroy();
            throw e;
        }
        List<String> lines = Files.readAllLines(log);
        String error = code == 0 ? "" : ChildMain.errorLine(lines, code, log + " on " + myHost);
        if (code == 0) {
            Files.deleteIfExists(log); // a failed rank's output stays, for its message
        }
        if (code != 0) { // fails the barrier stage, so Spark kills the other ranks' tasks
            throw new JganException(code, "rank " + rank + " on " + myHost + ": " + error);
        }
        return new RankResult(rank, code, error, myHost);
    }

    private static String host(String address) {
        int colon = address.lastIndexOf(':');
        return colon > 0 ? address.substring(0, colon) : address;
    }

    /**
     * This JVM's classpath as a child process needs it: java.class.path and the jars Spark added to
     * the context class loader ({@code spark-submit --jars} on an executor).
     */
    public static List<String> classpath() {
        Set<String> out = new LinkedHashSet<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        for (ClassLoader cl = Thread.currentThread().getContextClassLoader(); cl != null; cl = cl.getParent()) {
            if (cl instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    if (url.getProtocol().equals("file")) {
                        out.add(new File(url.getPath()).getPath());
                    }
                }
            }
        }
        out.remove("");
        return new ArrayList<>(out);
    }

    /**
     * Checks the options before the stage: they must parse as jgan train's, and not name what the
     * stage sets.
     *
     * @param trainArgs the options
     * @throws JganException (usage) naming the problem
     */
    public static void check(List<String> trainArgs) {
        for (String own : List.of("--nproc", "--nnodes", "--node-rank", "--master")) {
            if (trainArgs.stream().anyMatch(a -> a.equals(own) || a.startsWith(own + "="))) {
                throw new JganException(JganException.USAGE, own + " is set by the Spark stage (one rank a task, meeting"
                        + " at task 0): drop it and give --ranks N");
            }
        }
        if (trainArgs.stream().noneMatch(a -> a.equals("--out") || a.startsWith("--out=") || a.equals("--resume"))) {
            throw new JganException(JganException.USAGE, "give --out DIR: the run folder rank 0 writes (on a cluster, a"
                    + " folder of a file system every machine shares)");
        }
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(trainArgs);
        try {
            io.jgan.cli.Main.commandLine().parseArgs(args.toArray(String[]::new));
        } catch (picocli.CommandLine.ParameterException e) {
            throw new JganException(JganException.USAGE, e.getMessage() + " (see jgan train --help)");
        }
    }
}
