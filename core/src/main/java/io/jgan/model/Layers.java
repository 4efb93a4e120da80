package io.jgan.model;


/** Layer helpers shared by the model families. */
final class Layers {

    private Layers() {}

    /**
     * A fully connected layer initialised as PyTorch's {@code nn.Linear}: weight and bias from
     * U(-1/sqrt(fanIn), 1/sqrt(fanIn)). 
     *
     * @param fanIn input features
     * @param units output features
     * @return the layer
     */
    static Linear linear(int fanIn, int units) {
        return new Linear(units, Init.fanIn(fanIn), Init.fanIn(fanIn));
    }
}
