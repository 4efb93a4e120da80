package io.jgan.spark.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgan.JganException;
import io.jgan.spark.OutputFolder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * A sweep over Spark: each trial one task training one run ({@link TrialRunner}), rung by rung.
 * With successive halving (Jamieson and Talwalkar 2016), after each halving step only the better
 * half by FCD goes on; a failed trial (diverged, a bad setting) is recorded with its error and
 * never stops the sweep. Every rung's result is a file at the output location, so a killed sweep
 * run again with the same spec skips what finished. At the end: {@code leaderboard.csv}, best
 * first, and the kept trials' run folders under {@code runs/}.
 */
public final class Sweep {

    /** The leaderboard's header. */
    public static final String HEADER = "rank,trial,status,fcd,steps,seconds,settings,error";

    /**
     * One leaderboard line.
     *
     * @param trial the trial
     * @param status done, stopped (halved out) or failed
     * @param fcd its last FCD (NaN when failed)
     * @param steps the step of that FCD
     * @param seconds its training time over all rungs
     * @param error a failed trial's error
     */
    public record Entry(Trial trial, String status, double fcd, long steps, double seconds, String error) {}

    private Sweep() {}

    /**
     * Runs (or resumes) a sweep.
     *
     * @param spark the session
     * @param spec the sweep
     * @param out its output location (a path or Hadoop URI)
     * @param log progress lines
     * @return the leaderboard, best first
     * @throws JganException when the output holds something else, before any task
     */
    public static List<Entry> run(SparkSession spark, SweepSpec spec, String out, PrintWriter log) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        io.jgan.spark.SerializableConfiguration hadoop = io.jgan.spark.SerializableConfiguration.of(conf);
        FileSystem fs = start(spec, out, conf, log);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Map<String, TrialResult> last = new LinkedHashMap<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        List<Trial> alive = new ArrayList<>(spec.trials());
        try {
            for (int i = 0; i < spec.rungs().size(); i++) {
                int rung = spec.rungs().get(i);
                List<Trial> todo = new ArrayList<>();
                for (Trial t : alive) {
                    TrialResult r = TrialRunner.readResult(fs, TrialRunner.resultFile(out, t.id(), rung));
                    if (r == null) {
                        todo.add(t);
                    } else {
                        last.put(t.id(), r);
                        seconds.merge(t.id(), r.seconds(), Double::sum);
                    }
                }
                log.printf("jgan-spark: sweep %s: step %d: %d trials to run, %d finished before%n", spec.name(), rung,
                        todo.size(), alive.size() - todo.size());
                if (!todo.isEmpty()) {
                    List<TrialResult> results = jsc.parallelize(todo, todo.size())
                            .map(t -> TrialRunner.run(spec, t, rung, out, hadoop.get())).collect();
                    for (TrialResult r : results) {
                        last.put(r.id(), r);
                        seconds.merge(r.id(), r.seconds(), Double::sum);
                        log.printf("jgan-spark:   %s %s%n", r.id(), r.done()
                                ? String.format(Locale.ROOT, "FCD %.2f at step %d (%.0f s)", r.fcd(), r.step(), r.seconds())
                                : "failed: " + r.error());
                    }
                }
                List<Trial> measured = alive.stream().filter(t -> last.get(t.id()).done())
                        .sorted(Comparator.comparingDouble(t -> last.get(t.id()).fcd())).toList();
                alive = i < spec.rungs().size() - 1 ? new ArrayList<>(measured.subList(0, (measured.size() + 1) / 2))
                        : new ArrayList<>(measured);
                if (i < spec.rungs().size() - 1) {
                    log.printf("jgan-spark:   halving: %d of %d go on%n", alive.size(), measured.size());
                }
            }
            int finalRung = spec.rungs().get(spec.rungs().size() - 1);
            List<Entry> board = new ArrayList<>();
            for (Trial t : spec.trials()) {
                TrialResult r = last.get(t.id());
                String status = !r.done() ? "failed" : r.rung() == finalRung ? "done" : "stopped";
                board.add(new Entry(t, status, r.fcd(), r.step(), seconds.getOrDefault(t.id(), 0.0), r.error()));
            }
            board.sort(Comparator.comparingInt((Entry e) -> e.status().equals("done") ? 0 : e.status().equals("stopped")
                    ? 1 : 2).thenComparing(e -> -e.steps()).thenComparingDouble(Entry::fcd));
            writeLeaderboard(fs, new Path(out, "leaderboard.csv"), board);
            for (Entry e : board) {
                if (e.status().equals("done")) { // the kept trials' run folders, beside the leaderboard
                    Path src = new Path(TrialRunner.trialDir(out, e.trial().id()), "run");
                    Path dst = new Path(new Path(out, "runs"), e.trial().id());
                    if (!fs.exists(dst) && fs.exists(src)) {
                        FileUtil.copy(fs, src, fs, dst, false, conf);
                    }
                }
            }
            return board;
        } catch (IOException e) {
            throw new JganException(JganException.IO, "sweep output " + out + ": " + e.getMessage());
        }
    }

    /** A new sweep writes its spec; a resumed one must be given the same spec. */
    private static FileSystem start(SweepSpec spec, String out, Configuration conf, PrintWriter log) {
        Path marker = new Path(out, "sweep.json");
        try {
            FileSystem fs = marker.getFileSystem(conf);
            if (fs.exists(marker)) {
                JsonNode saved;
                try (var in = fs.open(marker)) {
                    saved = TrialRunner.JSON.readTree(in.readAllBytes());
                }
                if (!spec.text().equals(saved.path("spec").asText())) {
                    throw new JganException(JganException.USAGE, out + " holds another sweep (its spec differs from this"
                            + " one): give a new --out, or this sweep's own spec to resume it");
                }
                log.printf("jgan-spark: resuming sweep %s in %s%n", spec.name(), out);
                return fs;
            }
            fs = OutputFolder.prepare(out, conf);
            Map<String, Object> m = new LinkedHashMap<>(spec.summary());
            m.put("spec", spec.text());
            try (FSDataOutputStream o = fs.create(marker, false)) {
                o.write(TrialRunner.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
            }
            return fs;
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write " + out + ": " + e.getMessage());
        }
    }

    private static void writeLeaderboard(FileSystem fs, Path file, List<Entry> board) throws IOException {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        int rank = 1;
        for (Entry e : board) {
            csv.append(String.format(Locale.ROOT, "%d,%s,%s,%s,%d,%.1f,%s,%s%n", rank++, e.trial().id(), e.status(),
                    Double.isNaN(e.fcd()) ? "" : String.format(Locale.ROOT, "%.4f", e.fcd()), Math.max(0, e.steps()),
                    e.seconds(), quote(e.trial().settings()), quote(e.error())));
        }
        try (FSDataOutputStream o = fs.create(file, true)) {
            o.write(csv.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /**
     * The leaderboard as a table.
     *
     * @param board entries, best first
     * @return the table's lines
     */
    public static String table(List<Entry> board) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%4s  %-6s %-8s %9s %7s %8s  %s%n", "rank",
                "trial", "status", "FCD", "steps", "seconds", "settings"));
        int rank = 1;
        for (Entry e : board) {
            b.append(String.format(Locale.ROOT, "%4d  %-6s %-8s %9s %7d %8.1f  %s%s%n", rank++, e.trial().id(),
                    e.status(), Double.isNaN(e.fcd()) ? "-" : String.format(Locale.ROOT, "%.2f", e.fcd()),
                    Math.max(0, e.steps()), e.seconds(), e.trial().settings(),
                    e.error().isEmpty() ? "" : "  (" + e.error() + ")"));
        }
        return b.toString();
    }
}
