package io.jgan.spark.cli;

import io.jgan.JganException;
import io.jgan.engine.Natives;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code jgan-spark}: jgan's jobs on Apache Spark. Run locally with {@code ./jgan-spark ...
 * --master local[N]}, or on a cluster with {@code spark-submit --class io.jgan.spark.cli.SparkMain}.
 */
@Command(name = "jgan-spark", mixinStandardHelpOptions = true, version = "jgan-spark 0.1.0",
        description = "jgan on Apache Spark: samples as a Dataset, evaluation over one, sweeps, data-parallel training.",
        subcommands = {SparkSampleCommand.class, SparkEvalCommand.class, SweepCommand.class, SparkTrainCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:internal error (a bug)", "2:bad usage or setting", "3:bad data",
            "4:bad checkpoint", "5:cannot read or write a file"})
public final class SparkMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Entry point (also spark-submit's main class).
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        Natives.load();
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with jgan's error handling: a user's mistake is one line and its exit code.
     *
     * @return the command line
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SparkMain());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            Throwable t = ex;
            while (!(t instanceof JganException) && t.getCause() != null && t.getCause() != t) {
                t = t.getCause(); // Spark wraps a task's exception
            }
            if (t instanceof JganException je) {
                err.println("jgan-spark: error: " + je.getMessage());
                err.flush();
                return je.exitCode();
            }
            err.println("jgan-spark: internal error (a bug, please report it with this trace):");
            ex.printStackTrace(err);
            err.flush();
            return 1;
        });
        return cl;
    }
}
