package io.jgan.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** How a parameter starts: a fill in place, drawing from libtorch's seeded generator. */
@FunctionalInterface
public interface Init {

    /** All zeros (biases, batch norm's shift and running mean). */
    Init ZEROS = t -> torch.zeros_(t);

    /** All ones (batch norm's scale and running variance). */
    Init ONES = t -> torch.ones_(t);

    /**
     * Fills a tensor in place.
     *
     * @param t the parameter's tensor
     */
    void fill(Tensor t);

    /**
     * U(-bound, bound), as PyTorch's {@code nn.Linear} with bound 1/sqrt(fan in).
     *
     * @param bound the half-width
     * @return the init
     */
    static Init uniform(double bound) {
        return t -> torch.uniform_(t, -bound, bound);
    }

    /**
     * PyTorch's default start for {@code nn.Linear} and {@code nn.Conv2d} weights and biases:
     * U(-1/sqrt(fan in), 1/sqrt(fan in)), the bound rounded to float32.
     *
     * @param fanIn inputs per output (in features, or in channels x kernel area)
     * @return the init
     */
    static Init fanIn(int fanIn) {
        return uniform((float) (1.0 / Math.sqrt(fanIn)));
    }

    /**
     * N(mean, std^2), as DCGAN's N(0, 0.02) weights and N(1, 0.02) batch-norm scales.
     *
     * @param mean the mean
     * @param std the standard deviation
     * @return the init
     */
    static Init normal(double mean, double std) {
        return t -> torch.normal_(t, mean, std);
    }
}
