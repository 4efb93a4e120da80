package io.jgan.engine;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;

/**
 * Extracts libtorch's native libraries from the presets' jar before any torch class loads.
 *
 * <p>Why first: on a machine where another libtorch is installed (Debian's {@code libtorch-dev},
 * pulled in by {@code python3-torch}), loading a torch class while the cache is still empty linked
 * the system's {@code libtorch.so} before the presets' own {@code libtorch_cpu.so} was unpacked,
 * and the JVM crashed in libtorch's dispatcher on its very first run. Unpacking the whole folder
 * first means the loader only ever finds the presets' copies. This class touches no torch class,
 * so calling it is always safe.
 */
public final class Natives {

    private static volatile boolean loaded;

    private Natives() {}

    /** Unpacks the natives into JavaCPP's cache (once per JVM; later calls return at once). */
    public static void load() {
        if (loaded) {
            return;
        }
        synchronized (Natives.class) {
            if (loaded) {
                return;
            }
            skipPhysicalMemoryChecks();
            String platform = Loader.getPlatform(); // e.g. linux-x86_64
            // the CPU jar's folder is linux-x86_64, the CUDA jar's linux-x86_64-gpu; one is on the class path
            String gpu = "/org/bytedeco/pytorch/" + platform + "-gpu/";
            for (String folder : new String[] {"/org/bytedeco/openblas/" + platform + "/",
                    "/org/bytedeco/pytorch/" + platform + "/", gpu}) {
                if (Natives.class.getResource(folder) == null) {
                    continue;
                }
                File[] files;
                try {
                    files = Loader.cacheResources(folder);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot unpack libtorch's native libraries (" + folder
                            + ") into JavaCPP's cache: " + e.getMessage()
                            + "; check that ~/.javacpp/cache is writable, or set -Dorg.bytedeco.javacpp.cachedir", e);
                }
                if (folder.equals(gpu)) {
                    requireCudaLibraries(files);
                }
            }
            loaded = true;
        }
    }

    /**
     * JavaCPP's memory guard off, unless the user set it: with a limit on physical memory (by
     * default twice the heap's maximum), every native object JavaCPP allocates (each tensor an
     * operation returns, each scalar, each shape) first reads the process's resident memory, so
     * that it can call the garbage collector before a limit is crossed. jgan frees native memory
     * by scopes, never by the collector, so that read is pure cost: 6.5% of the native-method
     * samples in a profile of the MLP on a GPU, and without it a bf16 training iteration on 2 CPU
     * cores took 5.7% less (MLP) and 7% less (DCGAN) time (BENCHMARKS.md, session 20). JavaCPP
     * reads the property once, when its {@code Pointer} class loads, which is why this runs first.
     */
    private static void skipPhysicalMemoryChecks() {
        if (System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes") == null
                && System.getProperty("org.bytedeco.javacpp.maxphysicalbytes") == null) {
            System.setProperty("org.bytedeco.javacpp.maxPhysicalBytes", "0");
        }
    }

    /**
     * The GPU build's libtorch links against the host's CUDA libraries. Where one is missing, the
     * loader gives up on the presets' library and falls back to whatever libtorch the system has
     * (Debian's, with python3-torch), and the JVM crashes in its dispatcher: so ask the dynamic
     * linker first ({@code ldd}) and stop with the list of what is missing.
     */
    private static void requireCudaLibraries(File[] files) {
        File cuda = null;
        for (File f : files) { // the folder itself, as cached, or its files
            File[] inside = f.isDirectory() ? f.listFiles() : new File[] {f};
            for (File g : inside == null ? new File[0] : inside) {
                if (g.getName().startsWith("libtorch_cuda.so")) {
                    cuda = g;
                }
            }
        }
        if (cuda == null) {
            return;
        }
        List<String> missing = new ArrayList<>();
        try {
            Process p = new ProcessBuilder("ldd", cuda.getPath()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return;
            }
            for (String line : out.split("\n")) {
                if (line.contains("=> not found")) {
                    missing.add(line.trim().split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            return; // no ldd here: the loader will say what it finds
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("this is jgan's GPU build, and libtorch's CUDA library needs " + missing
                    + ", not found on this machine: install the CUDA 13 runtime libraries, cuDNN 9 and NCCL (see the"
                    + " README, \"Devices and precision\") or put them on LD_LIBRARY_PATH, or use the CPU build"
                    + " (./mvnw -B -DskipTests package)");
        }
    }
}
