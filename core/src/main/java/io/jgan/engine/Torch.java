package io.jgan.engine;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;

/**
 * jgan's door to libtorch: the device tensors are made on, the seed, and tensors to and from Java
 * arrays. Everything here is device-neutral: a CUDA tensor is copied through the host, never
 * viewed.
 *
 * <p>One device per process: the CLI sets it once from {@code --device} before any model is made;
 * library users call {@link #useDevice}. Tensors are float32 unless a method says otherwise.
 */
public final class Torch {

    static {
        Natives.load();
        useEveryCore(System.getenv("OMP_NUM_THREADS"), Runtime.getRuntime().availableProcessors());
        withoutNnpack();
    }

    /**
     * Turns NNPACK off (PyTorch's {@code torch.backends.nnpack.set_flags(False)}). libtorch
     * considers it for float32 convolutions without a gradient that oneDNN does not take, and
     * where NNPACK cannot start (on a Zen 5 it reports "unsupported hardware") libtorch printed
     * "Could not initialize NNPACK!" on every such call: 3 lines in a 2-step DCGAN run, 12 in an
     * SNGAN one. With it off, those convolutions take libtorch's own kernel on every CPU alike,
     * as they already did where NNPACK could not start.
     */
    private static void withoutNnpack() {
        torch.globalContext().setUserEnabledNNPACK(false);
    }

    /**
     * Without OMP_NUM_THREADS, libtorch takes one intra-op thread per physical core as its
     * cpuinfo counts them, and a virtual machine can report its vCPUs as one core's two
     * hyper-threads: on a 2-vCPU AMD Zen 5 libtorch chose 1 thread (Debian's PyTorch too), and
     * DCGAN ran 70-92 ms/iteration against 51-53 with 2 (BENCHMARKS.md, session 16). So jgan
     * takes every core the JVM may use, unless OMP_NUM_THREADS says otherwise (data-parallel
     * ranks, a scheduler) or libtorch already takes more.
     *
     * @param ompNumThreads the environment's OMP_NUM_THREADS, or null
     * @param cores the processors available to the JVM
     */
    static void useEveryCore(String ompNumThreads, int cores) {
        if (ompNumThreads == null && torch.get_num_threads() < cores) {
            torch.set_num_threads(cores);
        }
    }

    private static volatile Precision precision = Precision.FP32;
    private static volatile String deviceName = "cpu";

    private Torch() {}

    /**
     * Chooses the device every model and tensor of this process lives on.
     *
     * @param spec {@code cpu}, {@code cuda} or {@code cuda:N}
     * @throws IllegalArgumentException naming the problem if the spec is malformed, or CUDA or
     *     that GPU is not there
     */
    public static synchronized void useDevice(String spec) {
        String s = spec == null ? "cpu" : spec.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("cpu")) {
            deviceName = "cpu";
            return;
        }
        if (!s.matches("cuda(:\\d+)?")) {
            throw new IllegalArgumentException("unknown device '" + spec + "': use cpu, cuda or cuda:N");
        }
        if (!torch.cuda_is_available()) {
            throw new IllegalArgumentException("--device " + s + ": no CUDA device is usable here (this build "
                    + (torch.hasCUDA() ? "has CUDA but no GPU answered" : "is the CPU build; build with ./mvnw -Pgpu package")
                    + "); use --device cpu");
        }
        int index = s.contains(":") ? Integer.parseInt(s.substring(5)) : 0;
        int count = torch.cuda_device_count();
        if (index >= count) {
            throw new IllegalArgumentException("--device " + s + ": this machine has " + count + " CUDA device"
                    + (count == 1 ? "" : "s") + " (cuda:0" + (count > 1 ? " to cuda:" + (count - 1) : "") + ")");
        }
        deviceName = "cuda:" + index;
    }

    /**
     * The device in use.
     *
     * @return {@code cpu} or {@code cuda:N}
     */
    public static String deviceName() {
        return deviceName;
    }

    /** @return a new handle on the device in use (in the open scope: no long-lived native object) */
    private static Device device() {
        return new Device(deviceName);
    }

    /**
     * Whether tensors live in host memory (so that jgan may view them directly).
     *
     * @return true on the CPU
     */
    public static boolean onCpu() {
        return "cpu".equals(deviceName);
    }

    /**
     * Chooses the precision of the forward passes (see {@link #autocast}); refuses bf16 on a CPU
     * without bfloat16 instructions, where emulation would make it slower than float32, unless the
     * system property {@code jgan.bf16.emulate} is true (to check bf16's numerics on such a machine:
     * the results are those of native bf16, only slower).
     *
     * @param p the precision
     * @throws IllegalArgumentException naming the CPU and the fix
     */
    public static void usePrecision(Precision p) {
        if (p == Precision.BF16 && onCpu() && !Boolean.getBoolean("jgan.bf16.emulate")) {
            String why = Precision.cpuWithoutBf16();
            if (why != null) {
                throw new IllegalArgumentException("--precision bf16: " + why + "; use --precision fp32 (the default)");
            }
        }
        precision = p;
    }

    /**
     * Chooses the precision without the CPU check: bf16 then runs emulated where the CPU lacks it
     * (slowly, but with the same numerics), which tests use to check the bf16 path anywhere.
     *
     * @param p the precision
     */
    public static void usePrecisionEvenIfEmulated(Precision p) {
        precision = p;
    }

    /** @return the precision in use */
    public static Precision precision() {
        return precision;
    }

    /**
     * Opens an autocast region: inside it, with bf16 chosen, matrix products and convolutions run
     * in bfloat16 on float32 weights (autocast casts them, once per region); with fp32 it does
     * nothing. Losses and backward passes belong outside: cast logits with {@link #toFloat}.
     *
     * @return the region, to close in a try-with-resources
     */
    public static Autocast autocast() {
        return precision == Precision.BF16 ? new Autocast(onCpu() ? DeviceType.CPU : DeviceType.CUDA) : Autocast.OFF;
    }

    /**
     * Whether convolutions on {@code x} must run in whole blocks of 16 channels (see
     * {@code io.jgan.model.Convolutions}): on the CPU, where a check run once per process found
     * libtorch's oneDNN wrong for partly filled blocks. The check compares four small
     * convolutions (float32: a convolution and a transposed one; bfloat16: two convolutions, from
     * 5 maps and from 1), outputs and input gradients, 1 to 5 channels, against float64.
     *
     * @param x a convolution's input
     * @return true where the channels must be padded
     */
    public static boolean convolutionsNeedWholeChannelBlocks(Tensor x) {
        return x.is_cpu() && OneDnnCheck.PARTIAL_BLOCKS_WRONG;
    }

    /** The check, run when first asked. */
    private static final class OneDnnCheck {
        static final boolean PARTIAL_BLOCKS_WRONG = partialChannelBlocksWrong();
    }

    /**
     * Runs the check: true if any of the small convolutions differs from float64 beyond its
     * precision's rounding, or is not finite. Its own autocast and grad settings: it may be first
     * asked inside a no-grad or bfloat16 region.
     *
     * @return whether partly filled channel blocks come out wrong here
     */
    static boolean partialChannelBlocksWrong() {
        boolean autocast = torch.is_autocast_enabled(DeviceType.CPU);
        torch.set_autocast_enabled(DeviceType.CPU, false);
        try (Scope s = Scope.open(); org.bytedeco.pytorch.AutoGradMode grad = new org.bytedeco.pytorch.AutoGradMode(true)) {
            // (3, 5, 7, 7) with (4, 5, 2, 2), stride 1, padding 1: float32's input gradient was wrong.
            // Values from sines, not the engine's random stream, which a run's exact resume relies on.
            Tensor x = wave(0.37, 3, 5, 7, 7);
            Tensor w = wave(0.71, 4, 5, 2, 2);
            Tensor wt = wave(0.53, 5, 4, 2, 2);
            return convolutionWrong(x, w, false, ScalarType.Float, 1e-3)
                    || convolutionWrong(x, wt, true, ScalarType.Float, 1e-3)
                    || convolutionWrong(x, w, false, ScalarType.BFloat16, 5e-2)
                    || convolutionWrong(x.narrow(1, 0, 1), w.narrow(1, 0, 1), false, ScalarType.BFloat16, 5e-2);
        } catch (RuntimeException e) {
            return false; // a libtorch that cannot run the check (no bfloat16 kernels) runs as before
        } finally {
            torch.set_autocast_enabled(DeviceType.CPU, autocast);
        }
    }

    /** One convolution and its input gradient in {@code type} against float64, relative to the largest value. */
    private static boolean convolutionWrong(Tensor x64, Tensor w64, boolean transposed, ScalarType type, double tolerance) {
        Tensor[] exact = convolutionAndInputGradient(x64, w64, transposed, ScalarType.Double);
        Tensor[] got = convolutionAndInputGradient(x64, w64, transposed, type);
        for (int i = 0; i < 2; i++) {
            double scale = exact[i].abs().max().item_double();
            double error = got[i].to(ScalarType.Double).sub(exact[i]).abs().max().item_double();
            if (!(error <= tolerance * scale)) { // NaN fails too
                return true;
            }
        }
        return false;
    }

    /** sin(step * i) over the elements in order, float64, of the given shape. */
    private static Tensor wave(double step, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return torch.arange(new Scalar(n), new TensorOptions(ScalarType.Double)).mul(new Scalar(step)).sin().reshape(shape);
    }

    private static Tensor[] convolutionAndInputGradient(Tensor x64, Tensor w64, boolean transposed, ScalarType type) {
        Tensor x = x64.to(type).detach().set_requires_grad(true);
        Tensor w = w64.to(type);
        org.bytedeco.pytorch.TensorOptional none = new org.bytedeco.pytorch.TensorOptional();
        Tensor y = transposed
                ? torch.conv_transpose2d(x, w, none, new long[] {1, 1}, new long[] {1, 1}, new long[] {0, 0}, 1, 1, 1)
                : torch.conv2d(x, w, none, new long[] {1, 1}, new long[] {1, 1}, new long[] {1, 1}, 1);
        // d sum(y * r) / dx with r a fixed ramp: a gradient that mixes every output channel
        Tensor r = torch.arange(new Scalar(y.numel()), new TensorOptions(ScalarType.Double)).remainder(new Scalar(7))
                .sub(new Scalar(3)).reshape(y.sizes().vec().get()).to(type);
        y.mul(r).sum().backward();
        return new Tensor[] {y.detach(), x.grad()};
    }

    /** An autocast region (thread-local, as PyTorch's {@code torch.autocast}). */
    public static final class Autocast implements AutoCloseable {
        static final Autocast OFF = new Autocast(null);
        private final DeviceType type;
        private final boolean wasEnabled;

        private Autocast(DeviceType type) {
            this.type = type;
            if (type == null) {
                wasEnabled = false;
                return;
            }
            wasEnabled = torch.is_autocast_enabled(type);
            torch.set_autocast_dtype(type, ScalarType.BFloat16);
            torch.set_autocast_enabled(type, true);
            torch.increment_nesting();
        }

        @Override
        public void close() {
            if (type == null) {
                return;
            }
            torch.set_autocast_enabled(type, wasEnabled);
            if (torch.decrement_nesting() == 0) {
                torch.clear_cache(); // the bf16 copies of the weights: the next region casts the updated ones
            }
        }
    }

    /**
     * Sets libtorch's intra-op threads (a data-parallel rank uses its share of the cores).
     *
     * @param n threads, at least 1
     */
    public static void useThreads(int n) {
        torch.set_num_threads(n);
    }

    /**
     * One thread for each of many tasks sharing this process (a Spark executor runs one task a
     * core): libtorch's intra-op threads for the calling thread, and OpenBLAS's own pool, which
     * is process-wide. With OpenBLAS's default pool (a thread a core) two tasks' matrix products
     * fought over the same cores: 40,000 DCGAN samples took 25.1 s in local[2] against 20.6 s with
     * it at one thread (BENCHMARKS.md, "jgan on Spark").
     */
    public static void useOneThreadPerTask() {
        torch.set_num_threads(1);
        org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads(1);
    }

    /**
     * Seeds libtorch's generators (CPU, and CUDA where present).
     *
     * @param seed the seed
     */
    public static void seed(long seed) {
        torch.manual_seed(seed);
    }

    /**
     * Options for a float32 tensor on the device in use.
     *
     * @return new options
     */
    public static TensorOptions floats() {
        return new TensorOptions(ScalarType.Float).device(new DeviceOptional(device()));
    }

    /**
     * Options for an int64 tensor on the device in use.
     *
     * @return new options
     */
    public static TensorOptions longs() {
        return new TensorOptions(ScalarType.Long).device(new DeviceOptional(device()));
    }

    /**
     * Standard-normal values.
     *
     * @param shape the shape
     * @return a new float32 tensor
     */
    public static Tensor randn(long... shape) {
        return torch.randn(shape, floats());
    }

    /**
     * Uniform values in [0, 1).
     *
     * @param shape the shape
     * @return a new float32 tensor
     */
    public static Tensor rand(long... shape) {
        return torch.rand(shape, floats());
    }

    /**
     * Zeros.
     *
     * @param shape the shape
     * @return a new float32 tensor
     */
    public static Tensor zeros(long... shape) {
        return torch.zeros(shape, floats());
    }

    /**
     * A tensor filled with one value.
     *
     * @param value the value
     * @param shape the shape
     * @return a new float32 tensor
     */
    public static Tensor full(double value, long... shape) {
        return torch.full(shape, new Scalar(value), floats());
    }

    /**
     * Uninitialised memory, to be written in full.
     *
     * @param shape the shape
     * @return a new float32 tensor
     */
    public static Tensor empty(long... shape) {
        return torch.empty(shape, floats(), new MemoryFormatOptional());
    }

    /**
     * A tensor holding a copy of Java values.
     *
     * @param values the values, row-major
     * @param shape the shape; its product must be {@code values.length}
     * @return a new float32 tensor on the device in use
     */
    public static Tensor tensor(float[] values, long... shape) {
        checkSize(values.length, shape);
        Tensor host = torch.empty(shape, new TensorOptions(ScalarType.Float), new MemoryFormatOptional());
        new FloatPointer(host.data_ptr()).capacity(values.length).put(values);
        return onCpu() ? host : host.to(device(), ScalarType.Float);
    }

    /**
     * A tensor of class indices.
     *
     * @param values the values
     * @return a new int64 tensor (N) on the device in use
     */
    public static Tensor indices(long[] values) {
        Tensor host = torch.empty(new long[] {values.length}, new TensorOptions(ScalarType.Long), new MemoryFormatOptional());
        new org.bytedeco.javacpp.LongPointer(host.data_ptr()).capacity(values.length).put(values);
        return onCpu() ? host : host.to(device(), ScalarType.Long);
    }

    /**
     * Copies a tensor's values out, whatever its device, layout or floating type.
     *
     * @param t the tensor
     * @return its values as float32, row-major
     */
    public static float[] floats(Tensor t) {
        Tensor host = t.detach().to(new Device("cpu"), ScalarType.Float).contiguous();
        long n = host.numel();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor of " + n + " elements is too large for a Java array");
        }
        float[] out = new float[(int) n];
        new FloatPointer(host.data_ptr()).capacity(n).get(out);
        return out;
    }

    /**
     * The value of a one-element tensor.
     *
     * @param t the tensor
     * @return its value as a float
     */
    public static float item(Tensor t) {
        return t.item().toFloat();
    }

    /**
     * A tensor's shape.
     *
     * @param t the tensor
     * @return its sizes
     */
    public static long[] shape(Tensor t) {
        return t.sizes().vec().get();
    }

    /**
     * A Java view of a shape, for messages.
     *
     * @param t the tensor
     * @return e.g. {@code (128, 784)}
     */
    public static String shapeString(Tensor t) {
        long[] s = shape(t);
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < s.length; i++) {
            b.append(i == 0 ? "" : ", ").append(s[i]);
        }
        return b.append(')').toString();
    }

    /**
     * Turns off graph recording until closed (PyTorch's {@code torch.no_grad()}).
     *
     * @return the guard, to close in a try-with-resources
     */
    public static NoGrad noGrad() {
        return new NoGrad();
    }

    /** Graph recording off while open. */
    public static final class NoGrad implements AutoCloseable {
        private final NoGradGuard guard = Scope.keep(new NoGradGuard());

        private NoGrad() {}

        @Override
        public void close() {
            guard.close(); // the guard's destructor restores the previous mode
        }
    }

    /**
     * Casts to a floating type, or returns the tensor itself if it already is one.
     *
     * @param t a tensor
     * @return float32
     */
    public static Tensor toFloat(Tensor t) {
        return t.scalar_type().value == ScalarType.Float.value ? t : t.to(ScalarType.Float); // enums: compare values
    }

    /**
     * The native objects (tensors, scalars, options) the binding holds now, without forcing a
     * collection (for benchmarks, whose resident memory a forced full GC would change: G1 grows
     * and pre-touches the heap after one). Flat from step to step unless something escapes its
     * scope; garbage that other code in the JVM left may still be counted until the GC finds it.
     *
     * @return the count
     */
    public static int liveObjects() {
        org.bytedeco.javacpp.Pointer.deallocateReferences();
        return (int) Math.min(Integer.MAX_VALUE, org.bytedeco.javacpp.Pointer.totalCount());
    }

    /**
     * The native objects still owned in this JVM: as {@link #liveObjects}, after objects that
     * nothing references any more (made outside any scope, by this run or by other code in the
     * JVM, such as earlier tests) are collected and freed, so that the count does not depend on
     * when the garbage collector last ran. A full GC each time: for tests.
     *
     * @return the count
     */
    public static int liveObjectsAfterCollecting() {
        long last = -1;
        for (int round = 0; round < 10; round++) {
            System.gc();
            try {
                Thread.sleep(10); // the reference handler enqueues what the GC found
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            org.bytedeco.javacpp.Pointer.deallocateReferences();
            long now = org.bytedeco.javacpp.Pointer.totalCount();
            if (now == last) {
                break;
            }
            last = now;
        }
        return (int) Math.min(Integer.MAX_VALUE, org.bytedeco.javacpp.Pointer.totalCount());
    }

    private static void checkSize(long n, long[] shape) {
        long product = 1;
        for (long d : shape) {
            product *= d;
        }
        if (product != n) {
            throw new IllegalArgumentException(n + " values do not fill shape " + java.util.Arrays.toString(shape));
        }
    }
}
