package io.jgan.train;

import java.util.Map;

/** Takes named measurements of a step from outside the loop (e.g. the quality metrics of --eval-every). */
public interface ScalarSink {

    /**
     * Records values measured at a step.
     *
     * @param step the step
     * @param values tag to value, in order
     */
    void scalars(long step, Map<String, Double> values);
}
