package io.jgan.io;

import io.jgan.metrics.StepRecord;
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

    private final BufferedWriter out;
    private final long startNanos = System.nanoTime();

    /**
     * Opens (appends to) the log, writing the header to a new file.
     *
     * @param file {@code RUN/metrics.csv}
     * @throws IOException if it cannot be opened
     */
    public MetricsLog(Path file) throws IOException {
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
     * Reads a metrics log back (for plots after a resume and for tests).
     *
     * @param file the CSV
     * @return its rows
     * @throws IOException if unreadable
     */
    public static List<StepRecord> read(Path file) throws IOException {
        List<StepRecord> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("step")) {
                continue;
            }
            String[] f = line.split(",");
            rows.add(new StepRecord(Long.parseLong(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                    Float.parseFloat(f[3]), Float.parseFloat(f[4]), Float.parseFloat(f[5]), Float.parseFloat(f[6]),
                    Double.parseDouble(f[7])));
        }
        return rows;
    }
}
