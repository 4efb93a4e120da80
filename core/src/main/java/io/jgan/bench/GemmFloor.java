package io.jgan.bench;

import io.jgan.engine.Precision;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.model.Network;
import io.jgan.model.Parameter;
import io.jgan.optim.Adam;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The matrix products of one MLP GAN iteration, replayed alone through the engine: the same
 * shapes and transposes as the training step (see {@link Benchmark#gflopPerIteration}), on
 * operands of the same sizes, with nothing else in between. Its time is the floor the training
 * loop would reach if everything but the GEMMs were free.
 */
final class GemmFloor {

    private GemmFloor() {}

    /**
     * What the replay measured.
     *
     * @param products matrix products per iteration
     * @param gflop their work, GFLOP
     * @param medianMs median time of one replayed iteration
     * @param p10Ms its 10th percentile
     * @param gflops achieved GFLOP/s at the median
     * @param replayed the products, in the order of the iteration
     */
    record Result(int products, double gflop, double medianMs, double p10Ms, double gflops, List<Product> replayed) {}

    /** One product A (m, k) x B (k, n), either operand possibly a transposed view. */
    record Product(long m, long k, long n, boolean transposeA, boolean transposeB) {}

    /**
     * Replays the products of one iteration.
     *
     * @param generator G (2-D weights (out, in) and biases only)
     * @param discriminator D, likewise
     * @param n batch size
     * @param warmup replays not measured
     * @param iterations replays measured
     * @return the timing, or null if a network is not an MLP
     */
    static Result run(Network generator, Network discriminator, int n, int warmup, int iterations) {
        List<long[]> g = layers(generator);
        List<long[]> d = layers(discriminator);
        if (g == null || d == null) {
            return null;
        }
        List<Product> products = new ArrayList<>();
        // D step: G forward on n (no graph), D forward on real + fake (2n), D backward: weight
        // gradients of every layer, input gradients of all but the first (none into the data)
        forward(products, g, n);
        forward(products, d, 2L * n);
        backward(products, d, 2L * n, true, false);
        // G step: G then D forward on n; back through frozen D (input gradients only), then G's
        // weight gradients and its input gradients except into z
        forward(products, g, n);
        forward(products, d, n);
        backward(products, d, n, false, true);
        backward(products, g, n, true, false);
        double flop = 0;
        for (Product p : products) {
            flop += 2.0 * p.m() * p.k() * p.n();
        }
        try (Scope all = Scope.open()) {
            List<Tensor[]> operands = new ArrayList<>();
            // under --precision bf16 autocast hands the products bfloat16 operands: so does the replay
            boolean bf16 = Torch.precision() == Precision.BF16;
            for (Product p : products) {
                Tensor a = p.transposeA() ? Torch.randn(p.k(), p.m()).t() : Torch.randn(p.m(), p.k());
                Tensor b = p.transposeB() ? Torch.randn(p.n(), p.k()).t() : Torch.randn(p.k(), p.n());
                operands.add(bf16 ? new Tensor[] {a.to(ScalarType.BFloat16), b.to(ScalarType.BFloat16)} : new Tensor[] {a, b});
            }
            double[] ms = new double[iterations];
            for (int it = 0; it < warmup + iterations; it++) {
                long start = System.nanoTime();
                try (Scope step = Scope.open()) {
                    for (Tensor[] ab : operands) {
                        ab[0].matmul(ab[1]);
                    }
                }
                if (it >= warmup) {
                    ms[it - warmup] = (System.nanoTime() - start) / 1e6;
                }
            }
            Arrays.sort(ms);
            double median = Benchmark.percentile(ms, 50);
            return new Result(products.size(), flop / 1e9, median, Benchmark.percentile(ms, 10),
                    flop / 1e9 / (median / 1000), List.copyOf(products));
        }
    }

    /**
     * Times what no precision removes from an iteration: both networks' Adam updates, which read
     * and write float32 master weights, gradients and two moments (memory-bound), replayed alone
     * on gradients of the weights' own sizes. The gradients are made by an untimed backward pass
     * before each replay; the updates move the weights, so call this only after the timed run.
     *
     * @param generator G
     * @param discriminator D
     * @param warmup replays not measured
     * @param iterations replays measured
     * @return the median milliseconds of G's and D's update together
     */
    static double updatesMs(Network generator, Network discriminator, int warmup, int iterations) {
        Adam.Settings any = new Adam.Settings(2e-4, 0.5, 0.999, 1e-8); // the cost does not depend on them
        try (Scope all = Scope.open();
                Adam g = Adam.create(generator.trainableParameters(), any);
                Adam d = Adam.create(discriminator.trainableParameters(), any)) {
            double[] ms = new double[iterations];
            for (int it = 0; it < warmup + iterations; it++) {
                try (Scope step = Scope.open()) {
                    gradients(generator);
                    gradients(discriminator);
                    long start = System.nanoTime();
                    g.step(); // as in training: update, then drop the gradients
                    d.step();
                    if (it >= warmup) {
                        ms[it - warmup] = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
            Arrays.sort(ms);
            return Benchmark.percentile(ms, 50);
        }
    }

    /** Gives every trainable weight a gradient of its own size (0.001 everywhere). */
    private static void gradients(Network network) {
        Tensor sum = null;
        for (Parameter p : network.trainableParameters()) {
            Tensor s = p.tensor().sum();
            sum = sum == null ? s : sum.add(s);
        }
        sum.mul(new org.bytedeco.pytorch.Scalar(1e-3)).backward();
    }

    /** Forward: x (rows, in) W^T for each layer (out, in). */
    private static void forward(List<Product> products, List<long[]> layers, long rows) {
        for (long[] w : layers) {
            products.add(new Product(rows, w[1], w[0], false, true));
        }
    }

    /**
     * Backward from the last layer: dW = dY^T X (out, rows) x (rows, in) where weights learn, and
     * dX = dY W (rows, out) x (out, in) for every layer but the first unless {@code intoInput}.
     */
    private static void backward(List<Product> products, List<long[]> layers, long rows, boolean weights,
            boolean intoInput) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            long[] w = layers.get(i);
            if (weights) {
                products.add(new Product(w[0], rows, w[1], true, false));
            }
            if (i > 0 || intoInput) {
                products.add(new Product(rows, w[0], w[1], false, false));
            }
        }
    }

    /** @return each 2-D weight's (out, in), in order, or null if a parameter is neither 2-D nor 1-D */
    private static List<long[]> layers(Network network) {
        List<long[]> out = new ArrayList<>();
        for (Parameter p : network.trainableParameters()) {
            long[] shape = Torch.shape(p.tensor());
            if (shape.length == 2) {
                out.add(shape);
            } else if (shape.length != 1) {
                return null;
            }
        }
        return out.isEmpty() ? null : out;
    }
}
