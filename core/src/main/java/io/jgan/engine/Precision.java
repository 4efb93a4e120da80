package io.jgan.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The number format of the forward passes. Weights, optimiser state, losses and checkpoints are
 * float32 in both; only what autocast lowers (matrix products, convolutions) runs in bfloat16.
 */
public enum Precision {
    /** Everything float32 (the default, and the tutorials'). */
    FP32("fp32"),
    /**
     * CPU (or CUDA) autocast to bfloat16 with float32 master weights, as PyTorch's
     * {@code torch.autocast(device, dtype=torch.bfloat16)}.
     */
    BF16("bf16");

    private final String id;

    Precision(String id) {
        this.id = id;
    }

    /** @return the option value, {@code fp32} or {@code bf16} */
    public String id() {
        return id;
    }

    /**
     * Parses an option value.
     *
     * @param s {@code fp32} or {@code bf16} (also {@code float32}, {@code bfloat16})
     * @return the precision
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Precision of(String s) {
        return switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
            case "fp32", "float32" -> FP32;
            case "bf16", "bfloat16" -> BF16;
            default -> throw new IllegalArgumentException("unknown precision '" + s + "': use fp32 or bf16");
        };
    }

    /**
     * What the CPU offers for bfloat16, from its feature flags (Linux's /proc/cpuinfo).
     *
     * @param cpuinfo the text of /proc/cpuinfo (empty if unknown)
     * @return null if the CPU has bfloat16 instructions (AVX-512 BF16 or AMX BF16 on x86, BF16 on
     *     Arm), else why not, for the refusal
     */
    static String cpuWithoutBf16(String cpuinfo) {
        Matcher flags = Pattern.compile("(?m)^(?:flags|Features)\\s*:\\s*(.*)$").matcher(cpuinfo);
        if (flags.find()) {
            String f = " " + flags.group(1) + " ";
            if (f.contains(" avx512_bf16 ") || f.contains(" amx_bf16 ") || f.contains(" bf16 ")) {
                return null;
            }
        }
        Matcher model = Pattern.compile("(?m)^model name\\s*:\\s*(.*)$").matcher(cpuinfo);
        String name = model.find() ? model.group(1).trim() : "this CPU";
        return name + " has no bfloat16 instructions (avx512_bf16 or amx_bf16): bf16 would be emulated, slower"
                + " than float32";
    }

    /** @return why this machine's CPU cannot run bf16 well, or null if it can */
    static String cpuWithoutBf16() {
        try {
            return cpuWithoutBf16(Files.readString(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return "the CPU's features cannot be read (/proc/cpuinfo): bf16 support is unknown";
        }
    }
}
