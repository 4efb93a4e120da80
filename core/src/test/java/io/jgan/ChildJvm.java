package io.jgan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the jgan CLI in a child JVM with JVM options of the test's choosing (a small young
 * generation, say), offline and with the test classpath, the way the launcher runs it.
 */
public final class ChildJvm {

    private ChildJvm() {}

    /**
     * The outcome of a run.
     *
     * @param exitCode the process's exit code
     * @param output stdout and stderr together
     */
    public record Run(int exitCode, String output) {}

    /**
     * Runs {@code jgan ARGS} in a new JVM and waits for it.
     *
     * @param jvmOptions options for the child JVM, e.g. {@code -XX:+UseSerialGC}
     * @param args the command line
     * @return the exit code and output
     * @throws IOException if the process cannot be started or its output read
     * @throws InterruptedException if interrupted while waiting
     */
    public static Run jgan(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Djava.awt.headless=true");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.jgan.cli.Main");
        command.addAll(List.of(args));
        Path log = Files.createTempFile("jgan-child", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("DJL_OFFLINE", "true");
            pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("jgan " + String.join(" ", args) + " ran past 10 minutes");
            }
            return new Run(p.exitValue(), Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * Starts {@code jgan ARGS} in a new JVM with extra environment variables (a rank of a
     * data-parallel job: RANK, WORLD_SIZE, ...), one intra-op thread, output to a file.
     *
     * @param env variables to add
     * @param log where stdout and stderr go
     * @param args the command line
     * @return the running process
     * @throws IOException if it cannot be started
     */
    public static Process start(java.util.Map<String, String> env, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Djava.awt.headless=true");
        command.add("-Xmx1g");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.jgan.cli.Main");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().putAll(env);
        return pb.start();
    }
}
