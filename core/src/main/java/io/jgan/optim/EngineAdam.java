package io.jgan.optim;

import io.jgan.engine.HostTensors;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.model.Parameter;
import java.util.List;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Adam as in-place tensor operations, PyTorch's single-tensor Adam operation for operation, for
 * parameters on any device (e.g. CUDA): nothing leaves the device. The moments are engine tensors.
 */
public final class EngineAdam extends Adam {

    private final Tensor[] mean;
    private final Tensor[] variance;

    /**
     * @param parameters what it updates, in order
     * @param settings learning rate, betas, eps
     */
    public EngineAdam(List<Parameter> parameters, Settings settings) {
        super(parameters, settings);
        int n = parameters.size();
        mean = new Tensor[n];
        variance = new Tensor[n];
        try (Scope make = Scope.open()) {
            for (int i = 0; i < n; i++) {
                Tensor w = parameters.get(i).tensor();
                mean[i] = Scope.keep(torch.zeros_like(w)); // w's shape, type and device
                variance[i] = Scope.keep(torch.zeros_like(w));
            }
        }
    }

    @Override
    protected void update(float stepSize, float sqrtC2) {
        double beta1 = settings.beta1();
        double beta2 = settings.beta2();
        double eps = settings.eps();
        try (Scope scratch = Scope.open(); Torch.NoGrad off = Torch.noGrad()) {
            for (int i = 0; i < mean.length; i++) {
                Tensor w = parameters.get(i).tensor();
                Tensor g = w.grad();
                if (!g.defined()) {
                    continue; // took no part in a backward pass: skipped, as PyTorch does
                }
                // torch.optim.Adam's single-tensor update, op for op (8 kernels a parameter, not 14:
                // on a GPU each is a launch from this thread, and the step is bound by them)
                mean[i].lerp_(g, new Scalar(1.0 - beta1)); // m = b1 m + (1 - b1) g
                variance[i].mul_(new Scalar(beta2)).addcmul_(g, g, new Scalar(1.0 - beta2)); // v = b2 v + (1 - b2) g^2
                Tensor denom = variance[i].sqrt().div_(new Scalar(sqrtC2)).add_(new Scalar(eps)); // sqrt(v) / sqrt(1 - b2^t) + eps
                w.addcdiv_(mean[i], denom, new Scalar(-stepSize)); // p -= lr / (1 - b1^t) * m / denom
                dropGradient(i); // the next backward stores its gradient, no add to zeros
            }
        }
    }

    @Override
    public float[][] moments(int i) {
        try (Scope copy = Scope.open()) {
            return new float[][] {Torch.floats(mean[i]), Torch.floats(variance[i])};
        }
    }

    @Override
    protected void writeMoments(int i, float[] m, float[] v) {
        HostTensors.copyInto(mean[i], m);
        HostTensors.copyInto(variance[i], v);
    }

    @Override
    public void close() {
        for (int i = 0; i < mean.length; i++) {
            mean[i].close();
            variance[i].close();
        }
    }
}
