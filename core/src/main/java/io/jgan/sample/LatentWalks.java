package io.jgan.sample;

/**
 * Paths through the latent space: interpolation between two points, and the traversal of one
 * dimension with the others held (as 'An Intuitive way to understand GANs' says, the noise vector's
 * dimensions come to control
 * features).
 */
public final class LatentWalks {

    private LatentWalks() {}

    /**
     * Spherical interpolation (Shoemake's slerp, as White 2016 recommends for Gaussian latents:
     * a straight line passes through low-norm points that the prior almost never draws).
     * Falls back to a straight line when the two points are (anti)parallel.
     *
     * @param a start (latent)
     * @param b end (latent)
     * @param t position in [0, 1]
     * @return the point
     */
    public static float[] slerp(float[] a, float[] b, double t) {
        double na = norm(a);
        double nb = norm(b);
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * (double) b[i];
        }
        double cos = Math.max(-1, Math.min(1, dot / (na * nb)));
        double omega = Math.acos(cos);
        float[] out = new float[a.length];
        if (Math.sin(omega) < 1e-6) {
            return lerp(a, b, t);
        }
        double wa = Math.sin((1 - t) * omega) / Math.sin(omega);
        double wb = Math.sin(t * omega) / Math.sin(omega);
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) (wa * a[i] + wb * b[i]);
        }
        return out;
    }

    /**
     * Straight-line interpolation.
     *
     * @param a start
     * @param b end
     * @param t position in [0, 1]
     * @return (1 - t) a + t b
     */
    public static float[] lerp(float[] a, float[] b, double t) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) ((1 - t) * a[i] + t * b[i]);
        }
        return out;
    }

    /**
     * One row per dimension: the base point with that dimension set to evenly spaced values.
     *
     * @param base the latent point (latent)
     * @param dims the dimensions to vary
     * @param steps values per row
     * @param range values run from -range to +range
     * @return (dims * steps, latent) row-major
     */
    public static float[] traversal(float[] base, int[] dims, int steps, double range) {
        int latent = base.length;
        float[] z = new float[dims.length * steps * latent];
        for (int r = 0; r < dims.length; r++) {
            for (int s = 0; s < steps; s++) {
                int row = r * steps + s;
                System.arraycopy(base, 0, z, row * latent, latent);
                z[row * latent + dims[r]] = (float) (-range + 2 * range * s / Math.max(1, steps - 1));
            }
        }
        return z;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * (double) x;
        }
        return Math.sqrt(s);
    }
}
