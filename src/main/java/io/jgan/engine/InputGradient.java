package io.jgan.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;

/**
 * The gradient of a network's output with respect to its input, as a tensor that is itself
 * differentiable (PyTorch's {@code torch.autograd.grad(output, x, create_graph=True)}): what
 * WGAN-GP's penalty on {@code ||grad_x D(x)||} needs.
 *
 * <p>Why not {@code Tensor.backward(create_graph=True)}, the only gradient call DJL 0.35.1 exposes:
 * it stores the gradient in the {@code .grad} of every leaf of the graph, D's weights included. A
 * weight's {@code .grad} then carries a graph that leads back to the weight (libtorch's documented
 * reference cycle), the next step's gradient is added onto it (so each step's graph holds the one
 * before), and resident memory grew by about 3.5 MB per step ({@code jgan bench --loss wgan-gp}).
 * {@code autograd.grad} returns the gradient and stores nothing. DJL has no binding for it, but it
 * runs TorchScript methods in training mode with autograd on, over the same tensors, so the call
 * lives in a two-line TorchScript function shipped as a resource ({@code input_gradient.pt}, made by
 * {@code scripts/make-input-gradient.py}; no weights, only compiled source).
 */
public final class InputGradient {

    private InputGradient() {}

    private static final String RESOURCE = "input_gradient.pt";

    private static PtSymbolBlock function;

    private static synchronized PtSymbolBlock function() {
        if (function == null) {
            // a manager of its own that is never closed: the function lives as long as the JVM
            NDManager owner = NDManager.newBaseManager();
            try (InputStream in = InputGradient.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the jgan jar");
                }
                function = JniUtils.loadModule((PtNDManager) owner, in, false, false);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
            }
        }
        return function;
    }

    /**
     * Returns {@code d sum(output) / d input}, with its graph, so that a loss made from it can be
     * back-propagated into whatever produced {@code output}. The forward graph from input to output
     * is kept for that backward pass. Run it inside a gradient collector.
     *
     * @param output a network's output computed from {@code input}, e.g. (N, 1)
     * @param input a tensor that requires gradients, e.g. (N, dataDim)
     * @return the gradient, shaped like {@code input}, in {@code output}'s manager
     */
    public static NDArray of(NDArray output, NDArray input) {
        NDList result = IValueUtils.forward(function(), new NDList(output, input), true);
        return result.singletonOrThrow();
    }
}
