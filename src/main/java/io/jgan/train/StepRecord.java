package io.jgan.train;

/**
 * What one training iteration measured, as the tutorial logs it.
 *
 * @param step iteration number, from 1
 * @param epoch epoch, from 1
 * @param batch iteration within the epoch, from 1
 * @param lossD discriminator loss (mean over its k steps)
 * @param lossG generator loss
 * @param dReal mean D(x) on the real batch, in [0, 1]
 * @param dFake mean D(G(z)) on the fake batch of the D step, in [0, 1]
 * @param millis wall time of the iteration
 */
public record StepRecord(
        long step, int epoch, int batch, float lossD, float lossG, float dReal, float dFake, double millis) {

    /**
     * Returns whether both losses are finite numbers.
     *
     * @return false for NaN or infinite losses
     */
    public boolean finite() {
        return Float.isFinite(lossD) && Float.isFinite(lossG);
    }
}
