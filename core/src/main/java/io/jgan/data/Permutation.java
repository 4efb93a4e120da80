package io.jgan.data;

import java.util.Random;

/** A seeded shuffle of 0..n-1 (Fisher-Yates): an epoch's data order. */
public final class Permutation {

    private Permutation() {}

    /**
     * Shuffles 0..n-1.
     *
     * @param n how many indices
     * @param rng the seeded generator it draws from (n - 1 draws)
     * @return the order
     */
    public static int[] of(int n, Random rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * Shuffles 0..n-1 as int64 indices, the type the engine indexes with.
     *
     * @param n how many indices
     * @param rng the seeded generator
     * @return the order, the same as {@link #of}'s
     */
    public static long[] longs(int n, Random rng) {
        int[] p = of(n, rng);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = p[i];
        }
        return out;
    }
}
