package io.jgan.format;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A run's CSV logs whose first column is the step ({@code metrics.csv}, {@code eval.csv}), cut back
 * for a resume: one way for every log.
 */
public final class StepCsv {

    private StepCsv() {}

    /**
     * Keeps the rows of steps up to {@code lastStep} that {@code wellFormed} accepts (a row
     * half-written by a killed process is not), under {@code header}, and replaces the file
     * atomically. A missing file is left missing.
     *
     * @param file the log
     * @param header its header line
     * @param lastStep the checkpoint's step
     * @param wellFormed whether a data row is whole and belongs in the log (called in file order)
     * @return the rows kept, without the header
     * @throws IOException if it cannot be read or replaced
     */
    public static List<String> keepThrough(Path file, String header, long lastStep, Predicate<String> wellFormed)
            throws IOException {
        List<String> kept = new ArrayList<>();
        if (!Files.exists(file)) {
            return kept;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isEmpty() || line.startsWith("step")) {
                continue;
            }
            long step;
            try {
                step = Long.parseLong(line.substring(0, Math.max(0, line.indexOf(','))));
            } catch (NumberFormatException e) {
                continue;
            }
            if (step <= lastStep && wellFormed.test(line)) {
                kept.add(line);
            }
        }
        List<String> lines = new ArrayList<>(List.of(header));
        lines.addAll(kept);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return kept;
    }
}
