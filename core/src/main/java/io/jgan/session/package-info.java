/**
 * {@link io.jgan.session.TrainingSession}: a training run with everything {@code jgan train}
 * writes, new or resumed, for every family, in one library entry.
 */
package io.jgan.session;
