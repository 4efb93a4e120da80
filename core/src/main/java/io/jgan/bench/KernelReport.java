package io.jgan.bench;

import io.jgan.JganException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Which CPU a benchmark ran on, and which kernel families libtorch's libraries chose there, so
 * that a figure from one machine can be read on another: OpenBLAS (the matrix products of Linear
 * layers) picks its kernels by the CPU's ISA (it has no verbose mode: the ISA line says it),
 * oneDNN (the convolutions) by ISA too, and says which.
 *
 * <p>oneDNN says what it chose only through its verbose mode, which must be switched on before
 * it loads ({@code ONEDNN_VERBOSE=1}), so the report comes from a short run of the same benchmark
 * in a child JVM.
 */
public final class KernelReport {

    private KernelReport() {}

    /**
     * Describes this machine's CPU from {@code /proc/cpuinfo}: model name, family and model
     * numbers, cores, and the vector extensions that decide the kernels.
     *
     * @return one line
     */
    public static String cpu() {
        String name = "?";
        String family = "?";
        String model = "?";
        List<String> isa = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                String value = line.contains(":") ? line.substring(line.indexOf(':') + 1).trim() : "";
                if (line.startsWith("model name") && name.equals("?")) {
                    name = value;
                } else if (line.startsWith("cpu family") && family.equals("?")) {
                    family = value;
                } else if (line.matches("^model\\s*:.*") && model.equals("?")) {
                    model = value;
                } else if (line.startsWith("flags") && isa.isEmpty()) {
                    for (String f : value.split(" ")) {
                        if (f.equals("avx2") || f.equals("avx512f") || f.equals("avx512_bf16") || f.equals("amx_tile")
                                || f.equals("avx512_vnni") || f.equals("fma")) {
                            isa.add(f);
                        }
                    }
                }
            }
        } catch (IOException e) {
            return System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores";
        }
        return name + " (family " + family + " model " + model + "), " + Runtime.getRuntime().availableProcessors()
                + " cores, " + String.join(" ", isa);
    }

    /**
     * Runs {@code jgan bench ARGS} briefly in a child JVM with the libraries' verbose modes on and
     * summarises what they report.
     *
     * @param benchArgs the benchmark's own options (model, batch size, ...), without warm-up and iteration counts
     * @return readable lines
     */
    public static List<String> probe(List<String> benchArgs) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Djava.awt.headless=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.jgan.cli.Main");
        command.add("bench");
        command.addAll(benchArgs);
        command.addAll(List.of("--warmup", "1", "--iterations", "2"));
        Path log = null;
        try {
            log = Files.createTempFile("jgan-kernels", ".log");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("ONEDNN_VERBOSE", "1");
            pb.environment().put("DNNL_VERBOSE", "1"); // oneDNN before 3.0
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new JganException(JganException.IO, "the kernel probe (a short benchmark) ran past 5 minutes");
            }
            return summarise(Files.readAllLines(log));
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot run the kernel probe: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JganException(JganException.IO, "the kernel probe was interrupted");
        } finally {
            try {
                if (log != null) {
                    Files.deleteIfExists(log);
                }
            } catch (IOException ignored) {
                // a temporary file left behind
            }
        }
    }

    /**
     * Summarises oneDNN's verbose output.
     *
     * @param lines the child's output
     * @return readable lines: each library's version and ISA, and the kernels used with their call counts
     */
    static List<String> summarise(List<String> lines) {
        String dnnlVersion = null;
        String dnnlIsa = null;
        Map<String, Integer> dnnl = new TreeMap<>();
        for (String line : lines) {
            if (line.startsWith("onednn_verbose") || line.startsWith("dnnl_verbose")) {
                String[] f = line.split(",");
                int at = f.length > 1 && f[1].equals("v1") ? 2 : 1; // oneDNN 3.x adds a format version
                if (f.length > at + 1 && f[at].equals("info") && f[at + 1].startsWith("oneDNN")) {
                    dnnlVersion = f[at + 1].replaceFirst(" \\(commit.*", "");
                } else if (f.length > at + 2 && f[at].equals("info") && f[at + 1].equals("cpu")
                        && f[at + 2].startsWith("isa:")) {
                    // the ISA text may itself hold commas
                    dnnlIsa = String.join(",", java.util.Arrays.copyOfRange(f, at + 2, f.length)).substring(4);
                } else if (f.length > at + 4 && (f[at].equals("primitive") || f[at].equals("exec"))) {
                    int e = f[at].equals("primitive") ? at + 1 : at; // "primitive,exec,cpu,kind,impl,prop"
                    if (f[e].equals("exec") && f.length > e + 4) {
                        dnnl.merge(f[e + 2] + " " + f[e + 3] + " " + f[e + 4], 1, Integer::sum);
                    }
                }
            }
        }
        List<String> out = new ArrayList<>();
        out.add("BLAS: OpenBLAS 0.3.31 (the presets' build), kernels by the CPU's ISA (see the cpu line)");
        out.add("oneDNN: " + (dnnlVersion != null ? dnnlVersion : "no oneDNN verbose output")
                + (dnnlIsa != null ? ", ISA " + dnnlIsa : ""));
        dnnl.forEach((k, v) -> out.add("  " + k + " x" + v));
        return out;
    }
}
