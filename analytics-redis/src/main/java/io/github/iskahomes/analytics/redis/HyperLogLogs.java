package io.github.iskahomes.analytics.redis;

import java.util.Arrays;

/**
 * What {@code PFCOUNT} answers for one key, computed from the key's bytes as {@code GET} returns them, so that the
 * reader needs no {@code PFCOUNT} per unique metric (a command per entity-day and metric saved, and no write: a
 * single-key {@code PFCOUNT} stores its answer in the key). A port of Redis's own {@code hyperloglog.c} (Redis 5.0
 * and later): the header's cached cardinality when it is valid, else the register histogram of the sparse or dense
 * encoding fed to Ertl's estimator ({@code hllCount}), in the same double arithmetic and order, so the count is the
 * one Redis gives, not an approximation of it. Stateless and thread-safe.
 */
final class HyperLogLogs {
    /** Registers: 2^14, as Redis ({@code HLL_P = 14}). */
    private static final int P = 14;
    private static final int REGISTERS = 1 << P;
    /** Bits of the hash left for a run of zeros ({@code HLL_Q}). */
    private static final int Q = 64 - P;
    /** Entries of the register histogram: every run length of zeros, 0 to Q + 1. */
    static final int HISTOGRAM = Q + 2;
    private static final int BITS = 6;
    private static final int HEADER = 16;
    private static final int DENSE_SIZE = HEADER + (REGISTERS * BITS + 7) / 8;
    private static final byte DENSE = 0;
    private static final byte SPARSE = 1;
    /** {@code HLL_ALPHA_INF}: 1 / (2 ln 2), Redis's literal. */
    private static final double ALPHA_INF = 0.721347520444481703680;

    private HyperLogLogs() {
    }

    /**
     * The cardinality {@code PFCOUNT} reports for a key holding these bytes.
     *
     * @throws IllegalArgumentException if the bytes are not a Redis HyperLogLog (Redis answers {@code WRONGTYPE} or
     *         {@code INVALIDOBJ} for them)
     */
    static long count(byte[] hll) {
        return count(hll, new int[HISTOGRAM]);
    }

    /**
     * As {@link #count(byte[])}, with {@code scratch} (at least {@value #HISTOGRAM} ints, overwritten) for the
     * register histogram: a reader counting thousands of sketches in a row keeps one instead of one per sketch.
     */
    static long count(byte[] hll, int[] scratch) {
        if (hll.length < HEADER || hll[0] != 'H' || hll[1] != 'Y' || hll[2] != 'L' || hll[3] != 'L') {
            throw new IllegalArgumentException("not a Redis HyperLogLog (no HYLL header)");
        }
        byte encoding = hll[4];
        if (encoding != DENSE && encoding != SPARSE) {
            throw new IllegalArgumentException("not a Redis HyperLogLog (unknown encoding " + encoding + ")");
        }
        if (encoding == DENSE && hll.length != DENSE_SIZE) {
            throw new IllegalArgumentException("not a Redis HyperLogLog (a dense one of " + hll.length + " bytes)");
        }
        // The most significant bit of the last header byte marks the cached cardinality stale (HLL_VALID_CACHE).
        if ((hll[15] & 0x80) == 0) {
            long cached = 0;
            for (int i = 7; i >= 0; i--) {
                cached = (cached << 8) | (hll[8 + i] & 0xFF);
            }
            return cached;
        }
        int[] histogram = scratch;
        Arrays.fill(histogram, 0, HISTOGRAM, 0);
        if (encoding == DENSE) {
            denseHistogram(hll, histogram);
        } else {
            sparseHistogram(hll, histogram);
        }
        return estimate(histogram);
    }

    /** {@code hllDenseRegHisto}: 6-bit registers, least significant bits first. */
    private static void denseHistogram(byte[] hll, int[] histogram) {
        for (int register = 0; register < REGISTERS; register++) {
            int bit = register * BITS;
            int at = HEADER + (bit >>> 3);
            int shift = bit & 7;
            int low = (hll[at] & 0xFF) >>> shift;
            int high = at + 1 < hll.length ? (hll[at + 1] & 0xFF) << (8 - shift) : 0;
            histogram[(low | high) & 0x3F]++;
        }
    }

    /** {@code hllSparseRegHisto}: runs of ZERO (00xxxxxx), XZERO (01xxxxxx yyyyyyyy) and VAL (1vvvvvxx). */
    private static void sparseHistogram(byte[] hll, int[] histogram) {
        int registers = 0;
        int at = HEADER;
        while (at < hll.length) {
            int opcode = hll[at] & 0xFF;
            if ((opcode & 0xC0) == 0) {
                int run = (opcode & 0x3F) + 1;
                registers += run;
                histogram[0] += run;
                at++;
            } else if ((opcode & 0xC0) == 0x40) {
                if (at + 1 >= hll.length) {
                    throw new IllegalArgumentException("not a Redis HyperLogLog (a sparse one cut short)");
                }
                int run = (((opcode & 0x3F) << 8) | (hll[at + 1] & 0xFF)) + 1;
                registers += run;
                histogram[0] += run;
                at += 2;
            } else {
                int run = (opcode & 0x3) + 1;
                registers += run;
                histogram[((opcode >>> 2) & 0x1F) + 1] += run;
                at++;
            }
        }
        if (registers != REGISTERS) {
            throw new IllegalArgumentException("not a Redis HyperLogLog (a sparse one of " + registers
                    + " registers)");
        }
    }

    /**
     * {@code hllCount}'s estimator (Otmar Ertl, "New cardinality estimation algorithms for HyperLogLog sketches",
     * arXiv:1702.01284), operation for operation.
     */
    private static long estimate(int[] histogram) {
        double m = REGISTERS;
        double z = m * tau((m - histogram[Q + 1]) / m);
        for (int j = Q; j >= 1; --j) {
            z += histogram[j];
            z *= 0.5;
        }
        z += m * sigma(histogram[0] / m);
        // llroundl: half away from zero, which is Math.round for this positive value.
        return Math.round(ALPHA_INF * m * m / z);
    }

    /** {@code hllSigma}. */
    private static double sigma(double x) {
        if (x == 1.0) {
            return Double.POSITIVE_INFINITY;
        }
        double zPrime;
        double y = 1;
        double z = x;
        do {
            x *= x;
            zPrime = z;
            z += x * y;
            y += y;
        } while (zPrime != z);
        return z;
    }

    /** {@code hllTau}. */
    private static double tau(double x) {
        if (x == 0.0 || x == 1.0) {
            return 0.0;
        }
        double zPrime;
        double y = 1.0;
        double z = 1 - x;
        do {
            x = Math.sqrt(x);
            zPrime = z;
            y *= 0.5;
            double d = 1 - x;
            z -= d * d * y;
        } while (zPrime != z);
        return z / 3;
    }
}
