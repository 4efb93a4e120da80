package io.jgan.spark;

import io.jgan.cli.Main;
import io.jgan.engine.Natives;
import io.jgan.spark.cli.SparkMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/** One local[2] Spark session per test class, and jgan's two command lines run in-process. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SparkTestBase {

    SparkSession spark;

    /** What a command printed and returned. */
    record Run(int exitCode, String out, String err) {}

    /** Trained runs by their arguments: each trained once for all test classes of this JVM. */
    private static final java.util.Map<String, Path> TRAINED = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    void startSpark() {
        System.setProperty("java.awt.headless", "true");
        Natives.load();
        // one local[2] session for every test class of this JVM (a new one costs seconds);
        // Spark stops it at exit
        spark = SparkSession.builder().master("local[2]").appName("jgan-spark tests")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    }

    /** {@code jgan ...} (the core CLI). */
    static Run jgan(String... args) {
        return run(Main.commandLine(), args);
    }

    /** {@code jgan-spark ...} in this JVM, on the test's session. */
    static Run jganSpark(String... args) {
        return run(SparkMain.commandLine(), args);
    }

    private static Run run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /**
     * A tiny trained run (the tutorial's MLP, or any model the extra arguments name), trained once
     * per JVM: tests only read it.
     */
    static Path trained(String... extra) {
        return TRAINED.computeIfAbsent(String.join(" ", extra), k -> {
            try {
                java.nio.file.Files.createDirectories(Path.of("target"));
                return train(java.nio.file.Files.createTempDirectory(Path.of("target"), "trained-").resolve("run"), extra);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** A tiny trained run: the tutorial's MLP, or any model the extra arguments name. */
    static Path train(Path dir, String... extra) {
        java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("train", "--limit", "200",
                "--batch-size", "50", "--max-steps", "3", "--seed", "3", "--no-progress", "--out", dir.toString()));
        a.addAll(java.util.List.of(extra));
        Run r = jgan(a.toArray(String[]::new));
        if (r.exitCode() != 0) {
            throw new AssertionError("training failed: " + r.err());
        }
        return dir;
    }
}
