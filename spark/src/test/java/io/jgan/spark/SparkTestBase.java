package io.jgan.spark;

import io.jgan.cli.Main;
import io.jgan.engine.Natives;
import io.jgan.spark.cli.SparkMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/** One local[2] Spark session per test class, and jgan's two command lines run in-process. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SparkTestBase {

    SparkSession spark;

    /** What a command printed and returned. */
    record Run(int exitCode, String out, String err) {}

    @BeforeAll
    void startSpark() {
        System.setProperty("java.awt.headless", "true");
        Natives.load();
        spark = SparkSession.builder().master("local[2]").appName(getClass().getSimpleName())
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    }

    @AfterAll
    void stopSpark() {
        spark.stop();
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
