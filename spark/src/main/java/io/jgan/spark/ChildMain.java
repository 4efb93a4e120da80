package io.jgan.spark;

import io.jgan.cli.Main;
import io.jgan.engine.Natives;

/**
 * {@code jgan} in a process a Spark task started (a sweep's trial, a data-parallel rank), which
 * ends when its task's JVM ends: its standard input is a pipe from that JVM, and when the pipe
 * closes (the executor or driver died, even by kill -9) it stops rather than train on as an orphan.
 * Training in its own process also gives each trial libtorch's process-wide state (its seeded
 * generator above all) to itself, so a trial trains exactly as {@code jgan train} with its options.
 */
public final class ChildMain {

    private ChildMain() {}

    /**
     * Runs one jgan command line.
     *
     * @param args jgan's arguments
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent: only the end of the pipe matters
                }
            } catch (java.io.IOException e) {
                // a broken pipe is an end too
            }
            Runtime.getRuntime().halt(143); // the task's JVM is gone
        }, "jgan-parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Natives.load();
        System.exit(Main.execute(args)); // as jgan itself: --preset expanded
    }

    /**
     * What a jgan process that stopped says went wrong: its "jgan: error:" line (a user's mistake,
     * a diverged run), else what to read.
     *
     * @param output its output lines
     * @param exitCode its exit code
     * @param where where its whole output is kept, for the message
     * @return one line
     */
    public static String errorLine(java.util.List<String> output, int exitCode, String where) {
        return output.stream().filter(l -> l.startsWith("jgan: error: ")).findFirst()
                .map(l -> l.substring("jgan: error: ".length()))
                .orElse("exit code " + exitCode + " (its output: " + where + ")");
    }

    /**
     * A child's threads: the task's cores (spark.task.cpus, 1 by default; 1 outside a task) for
     * libtorch and OpenBLAS, replacing what the executor's environment says, which describes the
     * executor rather than this task (N tasks each taking all its cores would oversubscribe them);
     * and the launcher's idle settings (threads sleep after a short spin rather than spin on)
     * where the environment gives none. Ranks and sweep trials both start their processes
     * through this.
     *
     * @param env the child's environment, changed
     * @param task the task starting it, or null
     */
    public static void useTaskCores(java.util.Map<String, String> env, org.apache.spark.TaskContext task) {
        String threads = Integer.toString(task == null ? 1 : Math.max(1, task.cpus()));
        env.put("OMP_NUM_THREADS", threads);
        env.put("OPENBLAS_NUM_THREADS", threads);
        env.putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        env.putIfAbsent("GOMP_SPINCOUNT", "3000");
        env.putIfAbsent("OPENBLAS_THREAD_TIMEOUT", "4");
    }

    /**
     * The command that starts this class in a new JVM: this JVM's java, its module and heap
     * options, and its classpath (with the jars Spark added to the task's class loader).
     *
     * @param args jgan's arguments
     * @return the command
     */
    public static java.util.List<String> command(java.util.List<String> args) {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Xmx")) {
                command.add(a);
            }
        }
        command.add("-cp");
        command.add(String.join(java.io.File.pathSeparator, DistributedTraining.classpath()));
        command.add(ChildMain.class.getName());
        command.addAll(args);
        return command;
    }
}
