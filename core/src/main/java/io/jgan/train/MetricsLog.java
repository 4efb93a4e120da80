package io.jgan.train;

import io.jgan.format.StepCsv;
import io.jgan.train.StepRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code metrics.csv}: one row per iteration, readable by any spreadsheet or pandas. */
public final class MetricsLog implements AutoCloseable {

    /** The header row. */
    public static final String HEADER = "step,epoch,batch,lossD,lossG,D(x),D(G(z)),ms,elapsed_s";
    /** The columns, by the names of {@link #HEADER}. */
    public static final List<String> COLUMNS = List.of(HEADER.split(","));

    /**
     * A column's index in a row.
     *
     * @param name its name in {@link #HEADER}, e.g. {@code lossD}
     * @return the index
     */
    public static int column(String name) {
        int i = COLUMNS.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("metrics.csv has no column " + name);
        }
        return i;
    }

    private final BufferedWriter out;
    private final long startNanos;

    /**
     * Opens (appends to) the log, writing the header to a new file.
     *
     * @param file {@code RUN/metrics.csv}
     * @throws IOException if it cannot be opened
     */
    public MetricsLog(Path file) throws IOException {
        this(file, 0);
    }

    /**
     * Opens (appends to) the log of a resumed run, whose clock continues from where it stopped.
     *
     * @param file {@code RUN/metrics.csv}
     * @param elapsedSeconds the elapsed time already logged
     * @throws IOException if it cannot be opened
     */
    public MetricsLog(Path file, double elapsedSeconds) throws IOException {
        startNanos = System.nanoTime() - (long) (elapsedSeconds * 1e9);
        boolean fresh = !Files.exists(file) || Files.size(file) == 0;
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (fresh) {
            out.write(HEADER);
            out.newLine();
        }
    }

    /**
     * Appends one row.
     *
     * @param r the iteration's record
     */
    public void append(StepRecord r) {
        try {
            out.write(String.format(Locale.ROOT, "%d,%d,%d,%.6f,%.6f,%.6f,%.6f,%.3f,%.3f", r.step(), r.epoch(),
                    r.batch(), r.lossD(), r.lossG(), r.dReal(), r.dFake(), r.millis(),
                    (System.nanoTime() - startNanos) / 1e9));
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pushes buffered rows to the file. */
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /**
     * Cuts a log back to the iterations a checkpoint holds, for a resume: rows after
     * {@code lastStep}, and a half-written last row left by a killed process, are dropped. The
     * file is replaced atomically.
     *
     * @param file {@code RUN/metrics.csv}
     * @param lastStep the checkpoint's step
     * @return the rows kept
     * @throws IOException if it cannot be read or replaced
     */
    public static List<StepRecord> truncate(Path file, long lastStep) throws IOException {
        List<StepRecord> kept = new ArrayList<>();
        // rows must run 1, 2, 3, ... without a gap: a later row after a half-written one is dropped too
        StepCsv.keepThrough(file, HEADER, lastStep, line -> {
            StepRecord r = parse(line);
            boolean next = r != null && r.step() == kept.size() + 1;
            if (next) {
                kept.add(r);
            }
            return next;
        });
        return kept;
    }

    /**
     * Reads the elapsed seconds of the last row.
     *
     * @param file the CSV
     * @return elapsed_s of the last complete row, or 0
     * @throws IOException if unreadable
     */
    public static double lastElapsed(Path file) throws IOException {
        double last = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split(",");
            if (f.length == 9 && parse(line) != null) {
                last = Double.parseDouble(f[8]);
            }
        }
        return last;
    }

    /** @return the row as a record, or null for the header or a malformed (half-written) row */
    private static StepRecord parse(String line) {
        String[] f = line.split(",");
        if (f.length != 9 || line.startsWith("step")) {
            return null;
        }
        try {
            Double.parseDouble(f[8]);
            return new StepRecord(Long.parseLong(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                    Float.parseFloat(f[3]), Float.parseFloat(f[4]), Float.parseFloat(f[5]), Float.parseFloat(f[6]),
                    Double.parseDouble(f[7]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Reads a metrics log back (for plots after a resume and for tests).
     *
     * @param file the CSV
     * @return its rows
     * @throws IOException if unreadable
     */
    public static List<StepRecord> read(Path file) throws IOException {
        List<StepRecord> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            StepRecord r = parse(line);
            if (r != null) {
                rows.add(r);
            }
        }
        return rows;
    }
}
