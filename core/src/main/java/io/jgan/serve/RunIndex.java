package io.jgan.serve;

import io.jgan.checkpoint.CheckpointManifest;
import io.jgan.checkpoint.Checkpoints;
import io.jgan.checkpoint.RunFolder;
import io.jgan.config.GanConfig;
import io.jgan.eval.EvalListener;
import io.jgan.format.Json;
import io.jgan.train.MetricsLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The runs a server shows, found by folder name: each root given on the command line is a run
 * (it has {@code config.json}) or a folder of runs, such as {@code runs/}.
 *
 * <p>A run's id is its folder name. Requests name a run only by id, looked up in this index;
 * no path is ever built from what a client sends, so no id can leave the runs folder.
 */
public final class RunIndex {

    /** What a run id may look like: a folder name, nothing that could be a path. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** A run whose metrics.csv changed this recently counts as training. */
    static final long LIVE_MILLIS = 15_000;

    private static final int STEP = MetricsLog.column("step");
    private static final int EPOCH = MetricsLog.column("epoch");
    private static final int LOSS_D = MetricsLog.column("lossD");
    private static final int LOSS_G = MetricsLog.column("lossG");
    private static final int D_REAL = MetricsLog.column("D(x)");
    private static final int D_FAKE = MetricsLog.column("D(G(z))");
    private static final int MS = MetricsLog.column("ms");
    private static final List<String> EVAL_COLUMNS = List.of(EvalListener.HEADER.split(","));
    private static final int FCD = EVAL_COLUMNS.indexOf("fcd");
    /** The page's names for the metrics log's columns it draws. */
    private static final Map<String, String> CURVES = orderedMap("step", "step", "epoch", "epoch", "batch", "batch",
            "lossD", "lossD", "lossG", "lossG", "dReal", "D(x)", "dFake", "D(G(z))", "ms", "ms");
    /** The page's names for the quality log's columns. */
    private static final Map<String, String> EVAL_CURVES = orderedMap("step", "step", "fcd", "fcd", "kid", "kid",
            "classifierScore", "classifier_score", "classKl", "class_kl", "precision", "precision", "recall", "recall",
            "density", "density", "coverage", "coverage");

    private final List<Path> roots;
    private final Map<Path, CsvCache> metrics = new ConcurrentHashMap<>();
    private final Map<Path, CsvCache> evals = new ConcurrentHashMap<>();

    /**
     * @param roots run folders and folders of runs
     */
    public RunIndex(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    /**
     * Lists the runs, newest folder name first.
     *
     * @return id to folder
     */
    public Map<String, Path> runs() {
        Map<String, Path> out = new LinkedHashMap<>();
        List<Path> found = new ArrayList<>();
        for (Path root : roots) {
            if (isRun(root)) {
                found.add(root);
            } else if (Files.isDirectory(root)) {
                try (Stream<Path> s = Files.list(root)) {
                    s.filter(RunIndex::isRun).forEach(found::add);
                } catch (IOException e) {
                    // a folder that cannot be listed shows no runs
                }
            }
            for (Path sweep : sweepFolders(root)) { // a sweep's kept runs, beside its leaderboard
                try (Stream<Path> s = Files.list(sweep.resolve("runs"))) {
                    s.filter(RunIndex::isRun).forEach(found::add);
                } catch (IOException e) {
                    // a sweep without kept runs yet
                }
            }
        }
        found.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
        for (Path p : found) {
            String id = p.getFileName().toString();
            if (ID.matcher(id).matches()) {
                out.putIfAbsent(id, p);
            }
        }
        return out;
    }

    /**
     * Finds a run by id.
     *
     * @param id the folder name
     * @return its folder
     * @throws ApiError 400 for an id that is not a folder name, 404 for an unknown one
     */
    public Path run(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiError.badRequest("bad run id '" + abbreviate(id) + "': a run id is a folder name of letters, digits,"
                    + " '.', '_' and '-' (GET /api/runs lists them)");
        }
        Path p = runs().get(id);
        if (p == null) {
            throw ApiError.notFound("no run '" + id + "' (GET /api/runs lists the runs served)");
        }
        return p;
    }

    /**
     * A sweep of jgan-spark: its leaderboard, best first, and which of its trials are served.
     *
     * @param id the sweep's folder name
     * @param name its name (from sweep.json)
     * @param rows the leaderboard's rows: rank, trial, status, fcd, steps, seconds, settings,
     *     error, and whether the trial's run is served ("served": "true"/"false")
     */
    public record Sweep(String id, String name, List<Map<String, String>> rows) {}

    /**
     * Lists the sweeps under the roots: folders holding jgan-spark's {@code sweep.json} and
     * {@code leaderboard.csv}.
     *
     * @return the sweeps, by folder name
     */
    public List<Sweep> sweeps() {
        List<Sweep> out = new ArrayList<>();
        Map<String, Path> served = runs();
        for (Path root : roots) {
            for (Path dir : sweepFolders(root)) {
                try {
                    List<String> lines = Files.readAllLines(dir.resolve("leaderboard.csv"));
                    String[] header = lines.isEmpty() ? new String[0] : lines.get(0).split(",");
                    List<Map<String, String>> rows = new ArrayList<>();
                    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                        List<String> f = csvFields(line);
                        Map<String, String> row = new LinkedHashMap<>();
                        for (int i = 0; i < header.length; i++) {
                            row.put(header[i], i < f.size() ? f.get(i) : "");
                        }
                        Path run = served.get(row.getOrDefault("trial", ""));
                        row.put("served", Boolean.toString(run != null && run.startsWith(dir)));
                        rows.add(row);
                    }
                    String name = dir.getFileName().toString();
                    try {
                        name = io.jgan.format.Json.MAPPER.readTree(dir.resolve("sweep.json").toFile()).path("name")
                                .asText(name);
                    } catch (IOException e) {
                        // the folder's name will do
                    }
                    out.add(new Sweep(dir.getFileName().toString(), name, rows));
                } catch (IOException e) {
                    // a leaderboard being written: shown at the next poll
                }
            }
        }
        return out;
    }

    /** A root that is a sweep, or the sweeps among its children. */
    private static List<Path> sweepFolders(Path root) {
        List<Path> out = new ArrayList<>();
        if (isSweep(root)) {
            out.add(root);
        } else if (Files.isDirectory(root)) {
            try (Stream<Path> s = Files.list(root)) {
                s.filter(RunIndex::isSweep).sorted().forEach(out::add);
            } catch (IOException e) {
                // a folder that cannot be listed shows no sweeps
            }
        }
        return out;
    }

    private static boolean isSweep(Path p) {
        return Files.isRegularFile(p.resolve("sweep.json")) && Files.isRegularFile(p.resolve("leaderboard.csv"));
    }

    /** A CSV line's fields, with "quoted, fields" as the leaderboard writes them. */
    static List<String> csvFields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        out.add(f.toString());
        return out;
    }

    private static boolean isRun(Path p) {
        return Files.isRegularFile(p.resolve("config.json")) || Files.isDirectory(p.resolve("checkpoints"));
    }

    /**
     * A run at a glance: what the runs page and the live view show.
     *
     * @param id folder name
     * @param model family
     * @param conditional whether G takes a class
     * @param classes number of classes
     * @param latentDim z size
     * @param step last step logged
     * @param totalSteps the run's planned length, or 0 if not yet known
     * @param live whether it is training now (its log changed in the last 15 s)
     * @param lossD last D loss
     * @param lossG last G loss
     * @param dReal last mean D(x)
     * @param dFake last mean D(G(z))
     * @param bestFcd lowest FCD in eval.csv, or null
     * @param msPerIteration median of the last 50 iterations, or 0
     * @param secondsLeft estimate, or null when not training or the length is unknown
     * @param gridStep step of the newest grid, or 0 when there is none
     * @param checkpointStep step of the newest checkpoint, or 0 when there is none
     */
    public record Summary(String id, String model, boolean conditional, int classes, int latentDim, long step,
            long totalSteps, boolean live, Double lossD, Double lossG, Double dReal, Double dFake, Double bestFcd,
            double msPerIteration, Double secondsLeft, long gridStep, long checkpointStep) {}

    /**
     * Summarises a run from its files.
     *
     * @param id the run id
     * @return the summary
     */
    public Summary summary(String id) {
        return summary(id, run(id));
    }

    /**
     * Summarises a run already found (the list of runs summarises each without listing again).
     *
     * @param id the run id
     * @param run its folder
     * @return the summary
     */
    public Summary summary(String id, Path run) {
        GanConfig config = config(run);
        List<double[]> rows = metricRows(run);
        double[] last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
        long step = last != null ? (long) last[STEP] : 0;
        long total = totalSteps(config, rows);
        boolean live = isLive(run);
        double ms = medianMs(rows);
        Double left = live && total > step && ms > 0 ? (total - step) * ms / 1000 : null;
        Double best = null;
        for (double[] e : evalRows(run)) {
            if (!Double.isNaN(e[FCD]) && (best == null || e[FCD] < best)) {
                best = e[FCD];
            }
        }
        if (best == null && Files.isRegularFile(run.resolve("eval.json"))) { // pix2pix: measured at the end
            try {
                var fcd = Json.MAPPER.readTree(run.resolve("eval.json").toFile()).path("fcd");
                if (fcd.isNumber() && Double.isFinite(fcd.asDouble())) {
                    best = fcd.asDouble();
                }
            } catch (IOException e) {
                // an unreadable report shows no FCD
            }
        }
        long checkpoint = Checkpoints.latest(run.resolve("checkpoints")).map(Checkpoints::stepOf).orElse(0L);
        return new Summary(id, config != null ? config.model().family() : "?",
                config != null && config.model().conditional(), config != null ? config.model().classes() : 0,
                config != null ? config.model().latentDim() : 0, step, total, live,
                last != null ? last[LOSS_D] : null, last != null ? last[LOSS_G] : null,
                last != null ? last[D_REAL] : null, last != null ? last[D_FAKE] : null, best, ms, left,
                newestGrid(run).map(RunFolder::gridStep).orElse(0L),
                checkpoint);
    }

    /**
     * The run's config: {@code config.json}, else its newest checkpoint's.
     *
     * @param run the folder
     * @return the config, or null if neither is readable
     */
    static GanConfig config(Path run) {
        try {
            Path f = run.resolve("config.json");
            if (Files.isRegularFile(f)) {
                return Json.MAPPER.readValue(f.toFile(), GanConfig.class);
            }
            Optional<Path> c = Checkpoints.latest(run.resolve("checkpoints"));
            if (c.isPresent()) {
                CheckpointManifest m = Checkpoints.readManifest(c.get());
                return m.config();
            }
        } catch (IOException | RuntimeException e) {
            // an unreadable config shows as an unknown model, not a failed page
        }
        return null;
    }

    /**
     * The run's metrics.csv as numbers, in {@link MetricsLog#COLUMNS}' order.
     *
     * @param run the folder
     * @return complete rows in file order (cached until the file changes)
     */
    public List<double[]> metricRows(Path run) {
        return metrics.computeIfAbsent(run, r -> new CsvCache(r.resolve("metrics.csv"), MetricsLog.COLUMNS.size()))
                .rows();
    }

    /**
     * The run's eval.csv as numbers, in {@link EvalListener#HEADER}'s order.
     *
     * @param run the folder
     * @return rows in file order
     */
    public List<double[]> evalRows(Path run) {
        return evals.computeIfAbsent(run, r -> new CsvCache(r.resolve("eval.csv"), EVAL_COLUMNS.size())).rows();
    }

    /**
     * The metrics log after a step as curves for the page: one array per column, thinned evenly to
     * at most {@code maxPoints} (the newest row always kept).
     *
     * @param run the folder
     * @param since only rows of later steps
     * @param maxPoints most points per curve
     * @return the page's curve name to values, in order
     */
    public Map<String, double[]> metricCurves(Path run, long since, int maxPoints) {
        List<double[]> rows = metricRows(run).stream().filter(r -> r[STEP] > since).toList();
        int stride = Math.max(1, (rows.size() + maxPoints - 1) / maxPoints);
        Map<String, double[]> out = new LinkedHashMap<>();
        CURVES.forEach((name, column) -> {
            int c = MetricsLog.column(column);
            double[] col = new double[(rows.size() + stride - 1) / stride];
            for (int i = 0, k = 0; i < rows.size(); i += stride, k++) {
                col[k] = rows.get(Math.min(rows.size() - 1, i + stride - 1))[c]; // the last row is the newest
            }
            out.put(name, col);
        });
        return out;
    }

    /**
     * The quality log after a step as curves for the page.
     *
     * @param run the folder
     * @param since only rows of later steps
     * @return the page's curve name to values, in order
     */
    public Map<String, double[]> evalCurves(Path run, long since) {
        List<double[]> rows = evalRows(run).stream().filter(r -> r[0] > since).toList();
        Map<String, double[]> out = new LinkedHashMap<>();
        EVAL_CURVES.forEach((name, column) -> {
            int c = EVAL_COLUMNS.indexOf(column);
            out.put(name, rows.stream().mapToDouble(r -> r[c]).toArray());
        });
        return out;
    }

    /**
     * The newest saved grid.
     *
     * @param run the folder
     * @return {@code grids/step-N.png} with the largest N
     */
    public static Optional<Path> newestGrid(Path run) {
        Path grids = run.resolve("grids");
        if (!Files.isDirectory(grids)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(grids)) {
            return s.filter(p -> p.getFileName().toString().matches("step-\\d+\\.png"))
                    .max(Comparator.comparingLong(RunFolder::gridStep));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean isLive(Path run) {
        try {
            Path f = run.resolve("metrics.csv");
            return Files.isRegularFile(f)
                    && System.currentTimeMillis() - Files.getLastModifiedTime(f).toMillis() < LIVE_MILLIS;
        } catch (IOException e) {
            return false;
        }
    }

    /** The planned length: max-steps, or epochs x iterations per epoch once the log shows an epoch's end. */
    private static long totalSteps(GanConfig config, List<double[]> rows) {
        if (config == null) {
            return 0;
        }
        long maxSteps = config.schedule().maxSteps();
        long perEpoch = 0;
        for (double[] r : rows) {
            if (r[EPOCH] >= 2) { // first row of epoch 2: its step - 1 iterations made epoch 1
                perEpoch = (long) r[STEP] - 1;
                break;
            }
        }
        long byEpochs = perEpoch > 0 ? perEpoch * config.schedule().epochs() : 0;
        if (maxSteps > 0) {
            return byEpochs > 0 ? Math.min(maxSteps, byEpochs) : maxSteps;
        }
        return byEpochs;
    }

    private static double medianMs(List<double[]> rows) {
        int n = Math.min(50, rows.size());
        if (n == 0) {
            return 0;
        }
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            ms[i] = rows.get(rows.size() - n + i)[MS];
        }
        java.util.Arrays.sort(ms);
        return ms[n / 2];
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        String clean = s.replaceAll("[\\p{Cntrl}]", "?");
        return clean.length() > 60 ? clean.substring(0, 60) + "..." : clean;
    }

    /** A numeric CSV file, re-read only when its size or time changes. */
    private static final class CsvCache {
        private final Path file;
        private final int columns;
        private long size = -1;
        private long modified = -1;
        private List<double[]> rows = List.of();

        CsvCache(Path file, int columns) {
            this.file = file;
            this.columns = columns;
        }

        synchronized List<double[]> rows() {
            try {
                if (!Files.isRegularFile(file)) {
                    return List.of();
                }
                long s = Files.size(file);
                long m = Files.getLastModifiedTime(file).toMillis();
                if (s != size || m != modified) {
                    rows = parse(Files.readAllLines(file));
                    size = s;
                    modified = m;
                }
            } catch (IOException e) {
                return rows;
            }
            return rows;
        }

        private List<double[]> parse(List<String> lines) {
            List<double[]> out = new ArrayList<>(lines.size());
            for (int i = 1; i < lines.size(); i++) { // line 0 is the header
                String[] parts = lines.get(i).split(",");
                if (parts.length != columns) {
                    continue; // a row being written right now
                }
                double[] r = new double[columns];
                try {
                    for (int c = 0; c < columns; c++) {
                        r[c] = parts[c].isEmpty() ? Double.NaN : Double.parseDouble(parts[c]);
                    }
                } catch (NumberFormatException e) {
                    continue;
                }
                out.add(r);
            }
            return List.copyOf(out);
        }
    }
}
