package io.jgan.config;

import io.jgan.JganException;

/**
 * Everything a training run needs, validated once. Written as {@code config.json} in the run
 * folder and inside every checkpoint.
 *
 * @param data where samples come from
 * @param model what to build
 * @param train how to train it
 */
public record GanConfig(DataConfig data, ModelConfig model, TrainConfig train) {

    /**
     * Checks all parts, before any native memory is touched.
     *
     * @return this, for chaining
     * @throws JganException naming the first bad value
     */
    public GanConfig validate() {
        data.validate();
        model.validate();
        train.validate();
        if ("toy".equals(model.family()) != DataConfig.GAUSSIAN.equals(data.source())) {
            throw new JganException(
                    JganException.USAGE,
                    "the toy model trains only on the 1-D Gaussian data: use `jgan toy`");
        }
        return this;
    }
}
