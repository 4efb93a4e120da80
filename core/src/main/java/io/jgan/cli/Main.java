package io.jgan.cli;

import io.jgan.JganException;
import io.jgan.engine.Natives;
import io.jgan.engine.Precision;
import io.jgan.engine.Torch;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code jgan} command: parses, delegates to a subcommand, and owns the exit codes. */
@Command(
        name = "jgan",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Generative Adversarial Networks for the JVM.",
        subcommands = {TrainCommand.class, SampleCommand.class, EvalCommand.class, LatentCommands.Interpolate.class, LatentCommands.Traverse.class, PortCommands.Export.class, PortCommands.Import.class, ServeCommand.class, TranslateCommand.class, ToyCommand.class, BenchCommand.class, ClassifierCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:internal error (a bug: please report the stack trace)",
            "2:bad command-line usage or value",
            "3:missing or malformed data",
            "4:missing, corrupt or incompatible checkpoint",
            "5:output cannot be written",
            "6:training diverged (NaN, infinite or blown-up loss)",
            "7:data-parallel training lost a rank (it died, hung past --dist-timeout, or the network went)",
            "75:training stopped by SIGINT or SIGTERM after checkpointing (resumable)"
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: train, sample, eval, export, import, ... (jgan --help lists them)");
    }

    /**
     * Entry point.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        try {
            Natives.load(); // before any torch class: see Natives
        } catch (IllegalStateException e) {
            System.err.println("jgan: error: " + e.getMessage());
            System.exit(JganException.IO);
        }
        System.exit(execute(args));
    }

    /**
     * Runs a command line and returns its exit code (used by tests).
     *
     * @param args command-line arguments
     * @return the exit code
     */
    public static int execute(String... args) {
        return commandLine().execute(Presets.expand(args)); // --preset NAME: its options, where not given
    }

    /**
     * Builds the configured command line, with jgan's error handling.
     *
     * @return the command line
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionStrategy(parsed -> {
            // each command chooses its own device and precision (--device, --precision): none carries over
            Torch.useDevice("cpu");
            Torch.usePrecision(Precision.FP32);
            return new CommandLine.RunLast().execute(parsed);
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof JganException je) {
                err.println("jgan: error: " + je.getMessage());
                if (Boolean.getBoolean("jgan.debug") && je.getCause() != null) {
                    je.getCause().printStackTrace(err);
                }
                err.flush();
                return je.exitCode();
            }
            err.println("jgan: internal error (a bug, please report it with this trace):");
            ex.printStackTrace(err);
            err.flush();
            return 1;
        });
        return cl;
    }

    /** Reads the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"jgan " + (v != null ? v : "dev")};
        }
    }
}
