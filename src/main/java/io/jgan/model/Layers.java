package io.jgan.model;

import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.UniformInitializer;

/** Layer helpers shared by the model families. */
final class Layers {

    private Layers() {}

    /**
     * A fully connected layer initialised as PyTorch's {@code nn.Linear}: weight and bias from
     * U(-1/sqrt(fanIn), 1/sqrt(fanIn)). (DJL's default, He-normal weights and zero bias, would
     * train differently from the tutorial.)
     *
     * @param fanIn input features
     * @param units output features
     * @return the layer
     */
    static Linear linear(int fanIn, int units) {
        Linear linear = Linear.builder().setUnits(units).build();
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        linear.setInitializer(new UniformInitializer(bound), Parameter.Type.WEIGHT);
        linear.setInitializer(new UniformInitializer(bound), Parameter.Type.BIAS);
        return linear;
    }
}
