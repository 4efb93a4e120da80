package io.jgan.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.jgan.engine.HostTensors;
import io.jgan.engine.HostWorkers;
import io.jgan.engine.Scalars;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam with PyTorch's update, owning its moments so that checkpoints can save them (DJL's
 * {@code Model.save} does not).
 *
 * <p>PyTorch (torch.optim.Adam, single-tensor path): {@code m = b1 m + (1-b1) g},
 * {@code v = b2 v + (1-b2) g^2}, {@code p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)}.
 * Each step zeroes the gradients it consumed, so nothing leaks into the next step.
 *
 * <p>Two implementations of the same arithmetic, in the same order of float operations:
 * <ul>
 *   <li><b>host</b> (float32 parameters in CPU memory, the default there): one fused pass per
 *       weight. The moments live in Java arrays; the weights and gradients are read and written
 *       in place through direct buffers over the engine's memory, in blocks that stay in cache,
 *       split over the cores. Adam is memory-bound, and this touches each of w, g, m, v once
 *       (measured 4.4 ms -> ~1.5 ms per step for D's 1.46M weights on the 2-core machine).
 *   <li><b>engine</b> (any other device, e.g. CUDA): about a dozen in-place tensor operations
 *       per parameter, moments as engine tensors. Nothing leaves the device.
 * </ul>
 */
public final class Adam implements AutoCloseable {

    /** Elements per block of the host kernel: 4 arrays x 16 KiB, within L2 (and close to L1). */
    private static final int BLOCK = 4096;

    private final List<Parameter> parameters;
    private final NDManager manager;
    private final boolean host;
    // host: the moments of parameter i in blocks of BLOCK elements, [i][block][j]; engine: tensors
    private final float[][][] hostMean;
    private final float[][][] hostVariance;
    private final NDArray[] mean;
    private final NDArray[] variance;
    private final List<List<Work>> parts; // host: each part's runs, done by one thread
    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private long t;

    /**
     * Creates the optimiser with zero moments, on the host where the parameters allow.
     *
     * @param parameters the tensors to update (their arrays must require gradients)
     * @param learningRate lr
     * @param beta1 first-moment decay
     * @param beta2 second-moment decay
     * @param eps denominator term
     * @param parent manager whose child owns the moments
     */
    public Adam(List<Parameter> parameters, double learningRate, double beta1, double beta2, double eps,
            NDManager parent) {
        this(parameters, learningRate, beta1, beta2, eps, parent, hostable(parameters));
    }

    /** As above, choosing the implementation (tests compare the two). */
    Adam(List<Parameter> parameters, double learningRate, double beta1, double beta2, double eps,
            NDManager parent, boolean host) {
        if (host && !hostable(parameters)) {
            throw new IllegalArgumentException("the host Adam needs float32 parameters in CPU memory");
        }
        this.parameters = parameters;
        this.manager = parent.newSubManager();
        this.host = host;
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        int n = parameters.size();
        if (host) {
            hostMean = new float[n][][];
            hostVariance = new float[n][][];
            List<Work> blocks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int size = Math.toIntExact(parameters.get(i).getArray().size());
                int count = (size + BLOCK - 1) / BLOCK;
                hostMean[i] = new float[count][];
                hostVariance[i] = new float[count][];
                for (int b = 0; b < count; b++) {
                    int len = Math.min(BLOCK, size - b * BLOCK);
                    hostMean[i][b] = new float[len];
                    hostVariance[i][b] = new float[len];
                    blocks.add(new Work(i, b));
                }
            }
            mean = null;
            variance = null;
            parts = new ArrayList<>();
            int threads = HostWorkers.threads();
            for (int k = 0; k < threads; k++) { // consecutive blocks, as equal in number as can be
                parts.add(blocks.subList(k * blocks.size() / threads, (k + 1) * blocks.size() / threads));
            }
        } else {
            hostMean = null;
            hostVariance = null;
            mean = new NDArray[n];
            variance = new NDArray[n];
            for (int i = 0; i < n; i++) {
                NDArray w = parameters.get(i).getArray();
                mean[i] = manager.zeros(w.getShape(), w.getDataType(), w.getDevice());
                variance[i] = manager.zeros(w.getShape(), w.getDataType(), w.getDevice());
            }
            parts = List.of();
        }
    }

    /** Whether every parameter is a float32 PyTorch tensor in CPU memory (the host kernel's reach). */
    static boolean hostable(List<Parameter> parameters) {
        for (Parameter p : parameters) {
            if (!HostTensors.onHost(p.getArray())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Applies one update from the gradients accumulated since the last step, then zeroes them.
     */
    public void step() {
        t++;
        double c1 = 1.0 - Math.pow(beta1, t);
        double c2 = 1.0 - Math.pow(beta2, t);
        float stepSize = (float) (learningRate / c1);
        float sqrtC2 = (float) Math.sqrt(c2);
        if (host) {
            hostStep(stepSize, sqrtC2);
        } else {
            engineStep(stepSize, sqrtC2);
        }
    }

    /** One unit of the host kernel's work: block b (elements b*BLOCK ...) of parameter i. */
    private record Work(int parameter, int block) {}

    private void hostStep(float stepSize, float sqrtC2) {
        int n = parameters.size();
        FloatBuffer[] w = new FloatBuffer[n];
        FloatBuffer[] g = new FloatBuffer[n];
        try (NDManager scratch = manager.newSubManager()) {
            for (int i = 0; i < n; i++) {
                NDArray weight = parameters.get(i).getArray();
                // getGradient() wraps the native .grad in a new handle: owned by scratch, storage kept
                NDArray gradient = weight.getGradient();
                gradient.attach(scratch);
                w[i] = HostTensors.floatView(weight);
                g[i] = HostTensors.floatView(gradient);
            }
            float b1 = (float) beta1;
            float b2 = (float) beta2;
            // 1 - b rounded once from double, as the engine path's scalars (1f - 0.999f is 4.7e-5 off)
            float a1 = (float) (1.0 - beta1);
            float a2 = (float) (1.0 - beta2);
            float e = (float) eps;
            HostWorkers.run(parts.size(), k -> {
                float[] wBlock = new float[BLOCK];
                float[] gBlock = new float[BLOCK];
                for (Work r : parts.get(k)) {
                    int i = r.parameter();
                    float[] m = hostMean[i][r.block()];
                    float[] v = hostVariance[i][r.block()];
                    int at = r.block() * BLOCK;
                    g[i].get(at, gBlock, 0, m.length);
                    w[i].get(at, wBlock, 0, m.length);
                    update(wBlock, gBlock, m, v, m.length, b1, a1, b2, a2, stepSize, sqrtC2, e);
                    w[i].put(at, wBlock, 0, m.length);
                    g[i].put(at, ZEROS, 0, m.length); // grad.zero_(), while the block is in cache
                }
            });
        }
    }

    private static final float[] ZEROS = new float[BLOCK];

    /**
     * The fused update of one block: {@code len} elements of w, g, m and v, all from index 0 (one
     * base index lets the JIT vectorise the loop; with m and v indexed from an offset it did not,
     * and the step was 4x slower). The float operations and their order are the engine path's.
     */
    static void update(float[] w, float[] g, float[] m, float[] v, int len, float b1, float a1, float b2, float a2,
            float stepSize, float sqrtC2, float eps) {
        for (int j = 0; j < len; j++) {
            float gj = g[j];
            float mj = b1 * m[j] + gj * a1; // m = b1 m + (1 - b1) g
            float vj = b2 * v[j] + gj * gj * a2; // v = b2 v + (1 - b2) g^2
            m[j] = mj;
            v[j] = vj;
            float denom = (float) Math.sqrt(vj) / sqrtC2 + eps; // sqrt(v) / sqrt(1 - b2^t) + eps
            w[j] = w[j] - mj / denom * stepSize; // p -= lr / (1 - b1^t) * m / denom
        }
    }

    /**
     * The engine path: a few in-place tensor operations per parameter (PyTorch's single-tensor
     * Adam, operation for operation) rather than DJL's fused {@code adamUpdate}, which took 7-25 ms
     * for D's 1.46M weights on this engine.
     */
    private void engineStep(float stepSize, float sqrtC2) {
        for (int i = 0; i < mean.length; i++) {
            NDArray w = parameters.get(i).getArray();
            try (NDManager scratch = manager.newSubManager()) {
                NDArray g = w.getGradient();
                g.attach(scratch);
                // g belongs to scratch, so the temporaries made from it do too (results attach to
                // their first operand's manager)
                Scalars.muli(mean[i], beta1).addi(Scalars.mul(g, 1.0 - beta1)); // m = b1 m + (1 - b1) g
                Scalars.muli(variance[i], beta2).addi(Scalars.muli(g.square(), 1.0 - beta2)); // v = b2 v + (1 - b2) g^2
                NDArray denom = variance[i].sqrt(); // sqrt(v) / sqrt(1 - b2^t) + eps
                denom.attach(scratch);
                Scalars.addi(Scalars.divi(denom, sqrtC2), eps);
                // m / denom, divided in place: DJL's allocating div() measured 7x slower than divi()
                NDArray update = mean[i].duplicate();
                update.attach(scratch);
                w.subi(Scalars.muli(update.divi(denom), stepSize)); // p -= lr / (1 - b1^t) * m / denom
                zeroGradient(w, g);
            }
        }
    }

    /** Zeroes a parameter's gradient in place so the next backward pass starts from nothing. */
    private static void zeroGradient(NDArray w, NDArray g) {
        if (w instanceof PtNDArray pt) {
            JniUtils.zeroGrad(pt); // grad.zero_(): also clears NaN, which g * 0 would keep
        } else {
            g.subi(g);
        }
    }

    /**
     * Returns how many steps have been taken (Adam's t).
     *
     * @return the step count
     */
    public long stepCount() {
        return t;
    }

    /**
     * Returns whether the fused host kernel runs the steps (else the engine's tensor operations).
     *
     * @return true on the host
     */
    public boolean onHost() {
        return host;
    }

    /**
     * Copies parameter i's moments out, flattened in the parameter's element order.
     *
     * @param i parameter index, in the order given to the constructor
     * @return {m, v}
     */
    public float[][] moments(int i) {
        if (host) {
            return new float[][] {flatten(hostMean[i]), flatten(hostVariance[i])};
        }
        return new float[][] {mean[i].toFloatArray(), variance[i].toFloatArray()};
    }

    /**
     * Overwrites parameter i's moments (restoring a checkpoint).
     *
     * @param i parameter index
     * @param m first moment, as many elements as the parameter
     * @param v second moment, likewise
     * @throws IllegalArgumentException if a length does not match the parameter
     */
    public void setMoments(int i, float[] m, float[] v) {
        long size = parameters.get(i).getArray().size();
        if (m.length != size || v.length != size) {
            throw new IllegalArgumentException("parameter " + i + " has " + size + " elements, moments of "
                    + m.length + " and " + v.length + " were given");
        }
        if (host) {
            for (int b = 0; b < hostMean[i].length; b++) {
                System.arraycopy(m, b * BLOCK, hostMean[i][b], 0, hostMean[i][b].length);
                System.arraycopy(v, b * BLOCK, hostVariance[i][b], 0, hostVariance[i][b].length);
            }
        } else {
            HostTensors.copyInto(mean[i], m);
            HostTensors.copyInto(variance[i], v);
        }
    }

    private static float[] flatten(float[][] blocks) {
        int size = 0;
        for (float[] b : blocks) {
            size += b.length;
        }
        float[] out = new float[size];
        for (int b = 0; b < blocks.length; b++) {
            System.arraycopy(blocks[b], 0, out, b * BLOCK, blocks[b].length);
        }
        return out;
    }

    /**
     * Restores the step count (the moments are restored by {@link #setMoments}).
     *
     * @param steps Adam's t
     */
    public void setStepCount(long steps) {
        this.t = steps;
    }

    @Override
    public void close() {
        manager.close();
    }
}
