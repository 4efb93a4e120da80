package io.jgan.spark.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;

/**
 * Runs one trial to one rung inside a Spark task: {@code jgan train} in a process of its own
 * ({@link io.jgan.spark.ChildMain}) on the task's cores,
 * into a local folder, resumed from the trial's run folder at the sweep's output location when an
 * earlier rung made one (any executor may run the next rung); then the run folder goes back to the
 * output location and, last, the rung's result file, so that a sweep killed at any point finds
 * only whole results.
 */
final class TrialRunner {

    static final ObjectMapper JSON = new ObjectMapper();

    private TrialRunner() {}

    static org.apache.hadoop.fs.Path trialDir(String out, String id) {
        return new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(out, "trials"), id);
    }

    static org.apache.hadoop.fs.Path resultFile(String out, String id, int rung) {
        return new org.apache.hadoop.fs.Path(trialDir(out, id), String.format("rung-%08d.json", rung));
    }

    static TrialResult run(SweepSpec spec, Trial t, int rung, String out, Configuration conf) {
        long t0 = System.nanoTime();
        Path local = null;
        try {
            FileSystem fs = trialDir(out, t.id()).getFileSystem(conf);
            org.apache.hadoop.fs.Path remoteRun = new org.apache.hadoop.fs.Path(trialDir(out, t.id()), "run");
            local = Files.createTempDirectory("jgan-trial-" + t.id() + "-");
            Path run = local.resolve("run");
            List<String> args = new ArrayList<>();
            args.add("train");
            if (fs.exists(remoteRun)) {
                fs.copyToLocalFile(false, remoteRun, new org.apache.hadoop.fs.Path(run.toUri()), true);
                args.addAll(List.of("--resume", run.toString()));
            } else {
                args.addAll(t.options());
                args.addAll(List.of("--seed", Long.toString(t.seed()), "--eval-every", Integer.toString(spec.evalEvery()),
                        "--eval-samples", Integer.toString(spec.evalSamples()), "--out", run.toString()));
            }
            args.addAll(List.of("--max-steps", Integer.toString(rung), "--no-progress"));
            // a record of every attempt: a resumed sweep must not run a finished trial again
            try (FSDataOutputStream o = fs.create(new org.apache.hadoop.fs.Path(trialDir(out, t.id()),
                    String.format("attempt-%08d-%d.txt", rung, System.nanoTime())), true)) {
                o.write(String.join(" ", args).getBytes(StandardCharsets.UTF_8));
            }
            // jgan train in its own process: libtorch's seeded generator and its other process-wide
            // state are the trial's alone, so it trains as jgan train with these options does
            Path log = local.resolve("train.log");
            ProcessBuilder pb = new ProcessBuilder(io.jgan.spark.ChildMain.command(args));
            io.jgan.spark.ChildMain.useTaskCores(pb.environment(), org.apache.spark.TaskContext.get());
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            Process p = pb.start();
            int code;
            try {
                code = p.waitFor();
            } catch (InterruptedException e) {
                p.destroy();
                Thread.currentThread().interrupt();
                throw new IOException("trial " + t.id() + " was cancelled", e);
            }
            List<String> lines = Files.readAllLines(log);
            fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(log.toUri()),
                    new org.apache.hadoop.fs.Path(trialDir(out, t.id()), String.format("train-%08d.log", rung)));
            double secs = (System.nanoTime() - t0) / 1e9;
            TrialResult result;
            if (code != 0) {
                String line = io.jgan.spark.ChildMain.errorLine(lines, code, trialDir(out, t.id()) + "/"
                        + String.format("train-%08d.log", rung));
                result = new TrialResult(t.id(), rung, "failed", Double.NaN, -1, secs, line);
            } else {
                double[] last = lastMeasurement(run.resolve("eval.csv"));
                result = last == null
                        ? new TrialResult(t.id(), rung, "failed", Double.NaN, -1, secs, "no measurement in eval.csv")
                        : new TrialResult(t.id(), rung, "done", last[1], (long) last[0], secs, "");
            }
            if (Files.isDirectory(run)) {
                fs.delete(remoteRun, true);
                fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(run.toUri()), remoteRun);
            }
            writeResult(fs, resultFile(out, t.id(), rung), result);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("trial " + t.id() + ": " + e.getMessage(), e);
        } finally {
            if (local != null) {
                delete(local);
            }
        }
    }

    /** Writes a result next to its final name, then renames it: never half a file. */
    static void writeResult(FileSystem fs, org.apache.hadoop.fs.Path file, TrialResult r) throws IOException {
        org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(file.getParent(), "." + file.getName() + ".tmp");
        try (FSDataOutputStream o = fs.create(tmp, true)) {
            o.write(JSON.writeValueAsBytes(r));
        }
        fs.delete(file, false);
        if (!fs.rename(tmp, file)) {
            throw new IOException("cannot rename " + tmp + " to " + file);
        }
    }

    static TrialResult readResult(FileSystem fs, org.apache.hadoop.fs.Path file) throws IOException {
        if (!fs.exists(file)) {
            return null;
        }
        try (var in = fs.open(file)) {
            return JSON.readValue(in.readAllBytes(), TrialResult.class);
        }
    }

    /** The last row of eval.csv: {step, fcd}. */
    static double[] lastMeasurement(Path csv) throws IOException {
        if (!Files.isRegularFile(csv)) {
            return null;
        }
        List<String> lines = Files.readAllLines(csv);
        if (lines.size() < 2) {
            return null;
        }
        String[] f = lines.get(lines.size() - 1).split(",");
        return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1])};
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is not worth failing a trial for
        }
    }
}
