package io.jgan.train;

import java.util.Map;

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
 * @param extra the game's further losses by name (pix2pix: {@code loss/L1}); empty for the GAN
 */
public record StepRecord(
        long step, int epoch, int batch, float lossD, float lossG, float dReal, float dFake, double millis,
        Map<String, Float> extra) {

    /**
     * A record with no further losses.
     *
     * @param step iteration number, from 1
     * @param epoch epoch, from 1
     * @param batch iteration within the epoch, from 1
     * @param lossD discriminator loss
     * @param lossG generator loss
     * @param dReal mean D(x)
     * @param dFake mean D(G(z))
     * @param millis wall time of the iteration
     */
    public StepRecord(long step, int epoch, int batch, float lossD, float lossG, float dReal, float dFake,
            double millis) {
        this(step, epoch, batch, lossD, lossG, dReal, dFake, millis, Map.of());
    }

    /**
     * Returns whether both losses are finite numbers.
     *
     * @return false for NaN or infinite losses
     */
    public boolean finite() {
        return Float.isFinite(lossD) && Float.isFinite(lossG);
    }
}
