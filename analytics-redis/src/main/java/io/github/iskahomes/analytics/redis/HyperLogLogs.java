package io.github.iskahomes.analytics.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * What {@code PFCOUNT} answers for one key, computed from the key's bytes as {@code GET} returns them, so that the
 * reader needs no {@code PFCOUNT} per unique metric (a command per entity-day and metric saved, and no write: a
 * single-key {@code PFCOUNT} stores its answer in the key). A port of Redis's own {@code hyperloglog.c} (Redis 5.0
 * and later): the header's cached cardinality when it is valid, else the register histogram of the sparse or dense
 * encoding fed to Ertl's estimator ({@code hllCount}), in the same double arithmetic and order, so the count is the
 * one Redis gives, not an approximation of it.
 *
 * <p>{@link #add} builds, from members kept inline (key model v2.1: a small entity-day's unique members are fields of
 * its counters hash, not a HyperLogLog key), the sketch {@code PFADD} of them would leave, so that the aggregator still
 * gets a real Redis sketch to store and union. Stateless and thread-safe.
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
    /** The largest register a sparse sketch holds ({@code HLL_SPARSE_VAL_MAX_VALUE}). */
    private static final int SPARSE_MAX_VALUE = 32;
    /** Registers one VAL opcode covers at most ({@code HLL_SPARSE_VAL_MAX_LEN}). */
    private static final int SPARSE_VAL_MAX_RUN = 4;
    /** Registers one ZERO opcode covers at most; longer runs take an XZERO ({@code HLL_SPARSE_ZERO_MAX_LEN}). */
    private static final int SPARSE_ZERO_MAX_RUN = 64;
    /** Registers one XZERO opcode covers at most ({@code HLL_SPARSE_XZERO_MAX_LEN}). */
    private static final int SPARSE_XZERO_MAX_RUN = 16384;
    /** Redis's default {@code hll-sparse-max-bytes}: past it PFADD turns a sketch dense. */
    static final int SPARSE_MAX_BYTES = 3000;
    /** The seed Redis hashes members with ({@code hllPatLen}). */
    private static final int SEED = 0xadc83b19;
    /** The most significant bit of the last header byte: set, the cached cardinality is stale. */
    private static final int STALE = 0x80;
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
        byte encoding = encoding(hll);
        // The most significant bit of the last header byte marks the cached cardinality stale (HLL_VALID_CACHE).
        if ((hll[15] & STALE) == 0) {
            return littleEndian(hll, 8, 8);
        }
        int[] histogram = scratch;
        Arrays.fill(histogram, 0, HISTOGRAM, 0);
        if (encoding == DENSE) {
            for (int register = 0; register < REGISTERS; register++) {
                histogram[denseRegister(hll, register)]++;
            }
        } else {
            decodeSparse(hll, (first, run, value) -> histogram[value] += run);
        }
        return estimate(histogram);
    }

    /**
     * The sketch {@code PFADD} of {@code members} (each its UTF-8 bytes) into {@code base} would leave: base's
     * registers ({@code null}: an empty sketch) raised by each member's. Sparse, as PFADD leaves a small one (its
     * cached cardinality marked stale, as PFADD does), unless a register exceeds what sparse holds (32) or the sparse
     * form would pass {@value #SPARSE_MAX_BYTES} bytes (Redis's default {@code hll-sparse-max-bytes}): then dense. A
     * dense base stays dense. Nothing raised (no members, or none raising a register): base's bytes unchanged, as
     * PFADD leaves them; no base and no members: the empty sketch {@code PFADD key} creates.
     *
     * <p>The registers, and so {@code PFCOUNT}, are exactly PFADD's. The sparse bytes are the shortest encoding of
     * them; PFADD's in-place updates leave the same bytes (checked member by member up to dense) except when they
     * leave adjacent VAL runs of one value unmerged, which takes several neighbouring registers of the same value: then
     * Redis may turn dense, near the 3000 bytes, a sketch this method still writes sparse (Redis reads both alike).
     *
     * @throws IllegalArgumentException if base is not a Redis HyperLogLog (the messages of {@link #count(byte[])})
     */
    static byte[] add(byte[] base, List<String> members) {
        long[] pairs = new long[members.size()];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = registerOf(members.get(i));
        }
        return add(base, pairs, pairs.length);
    }

    /**
     * {@link #add} of members given as their {@link #registerOf} pairs, the first {@code n} of {@code pairs} (which
     * this may reorder): the reader computes them from a reply's bytes, without making a String of each member.
     */
    static byte[] add(byte[] base, long[] pairs, int n) {
        if (base == null && n > 0 && n <= FEW) {
            byte[] few = sparseOfFew(pairs, n);
            if (few != null) {
                return header(few, null);
            }
        }
        byte[] registers = new byte[REGISTERS];
        byte encoding = SPARSE;
        if (base != null) {
            encoding = encoding(base);
            raise(base, encoding, registers);
        }
        boolean raised = false;
        for (int i = 0; i < n; i++) {
            long pair = pairs[i];
            int index = (int) (pair >>> 8);
            int count = (int) (pair & 0xFF);
            if (count > registers[index]) {
                registers[index] = (byte) count;
                raised = true;
            }
        }
        if (!raised && base != null) {
            return base.clone();
        }
        byte[] hll = encoding == SPARSE ? encodeSparse(registers) : null;
        if (hll == null) {
            hll = encodeDense(registers);
        }
        return header(hll, base);
    }

    /** Writes the magic into an encoded sketch, and base's header after the encoding byte; marks the cache stale. */
    private static byte[] header(byte[] hll, byte[] base) {
        hll[0] = 'H';
        hll[1] = 'Y';
        hll[2] = 'L';
        hll[3] = 'L';
        if (base != null) {
            // PFADD keeps the header after the encoding, cached cardinality included, and only marks it stale.
            System.arraycopy(base, 5, hll, 5, HEADER - 5);
        }
        hll[15] |= (byte) STALE;
        return hll;
    }

    /**
     * The register a member (its UTF-8 bytes) raises and the value it raises it to, as {@code register << 8 | value}
     * ({@code hllPatLen}: the register is the hash's low P bits; the value the run of zeros after them, counting the
     * final 1, bit Q stopping it at Q + 1).
     */
    private static long registerOf(String member) {
        byte[] utf8 = member.getBytes(StandardCharsets.UTF_8);
        return registerOf(utf8, 0, utf8.length);
    }

    /** {@link #registerOf(String)} of a member's UTF-8 bytes {@code from} for {@code length}. */
    static long registerOf(byte[] utf8, int from, int length) {
        long hash = murmurHash64A(utf8, from, length, SEED);
        return (hash & (REGISTERS - 1)) << 8 | Long.numberOfTrailingZeros((hash >>> P) | (1L << Q)) + 1;
    }

    /** Up to how many members, on no base, {@link #sparseOfFew} encodes without the array of every register. */
    private static final int FEW = 256;

    /** The encoding byte of a sketch, after checking it is one as Redis's {@code isHLLObjectOrReply} does. */
    private static byte encoding(byte[] hll) {
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
        return encoding;
    }

    /**
     * Raises each of {@code registers} (one byte each) to the checked sketch's register where that is larger: into
     * zeros, the sketch's registers; into another sketch's, their union, as {@code PFMERGE} makes it.
     */
    private static void raise(byte[] hll, byte encoding, byte[] registers) {
        if (encoding == DENSE) {
            for (int register = 0; register < REGISTERS; register++) {
                registers[register] = (byte) Math.max(registers[register], denseRegister(hll, register));
            }
        } else {
            decodeSparse(hll, (first, run, value) -> {
                for (int register = first; value > 0 && register < first + run; register++) {
                    registers[register] = (byte) Math.max(registers[register], value);
                }
            });
        }
    }

    /**
     * What {@code PFCOUNT} of several keys holding these sketches answers: the count of their union (the largest of
     * each register), computed here, so a reader of several days' sketches neither writes nor asks Redis.
     *
     * @throws IllegalArgumentException if one is not a Redis HyperLogLog (the messages of {@link #count(byte[])})
     */
    static long countUnion(List<byte[]> sketches) {
        byte[] registers = new byte[REGISTERS];
        for (byte[] sketch : sketches) {
            raise(sketch, encoding(sketch), registers);
        }
        int[] histogram = new int[HISTOGRAM];
        for (byte register : registers) {
            histogram[register]++;
        }
        return estimate(histogram);
    }

    /** {@code HLL_DENSE_GET_REGISTER}: 6-bit registers, least significant bits first. */
    private static int denseRegister(byte[] hll, int register) {
        int bit = register * BITS;
        int at = HEADER + (bit >>> 3);
        int shift = bit & 7;
        int low = (hll[at] & 0xFF) >>> shift;
        int high = at + 1 < hll.length ? (hll[at + 1] & 0xFF) << (8 - shift) : 0;
        return (low | high) & 0x3F;
    }

    /** Where a sparse sketch's runs go: {@code run} registers from {@code first} on, all of {@code value}. */
    @FunctionalInterface
    private interface Runs {
        void accept(int first, int run, int value);
    }

    /**
     * The runs of a sparse sketch, as {@code hllSparseRegHisto} walks them: ZERO (00xxxxxx), XZERO
     * (01xxxxxx yyyyyyyy) and VAL (1vvvvvxx). A run past the last register is not handed on: the count of registers
     * then refuses the sketch.
     */
    private static void decodeSparse(byte[] hll, Runs runs) {
        int registers = 0;
        int at = HEADER;
        while (at < hll.length) {
            int opcode = hll[at] & 0xFF;
            int run;
            int value = 0;
            if ((opcode & 0xC0) == 0) {
                run = (opcode & 0x3F) + 1;
                at++;
            } else if ((opcode & 0xC0) == 0x40) {
                if (at + 1 >= hll.length) {
                    throw new IllegalArgumentException("not a Redis HyperLogLog (a sparse one cut short)");
                }
                run = (((opcode & 0x3F) << 8) | (hll[at + 1] & 0xFF)) + 1;
                at += 2;
            } else {
                run = (opcode & 0x3) + 1;
                value = ((opcode >>> 2) & 0x1F) + 1;
                at++;
            }
            if (registers + run <= REGISTERS) {
                runs.accept(registers, run, value);
            }
            registers += run;
        }
        if (registers != REGISTERS) {
            throw new IllegalArgumentException("not a Redis HyperLogLog (a sparse one of " + registers
                    + " registers)");
        }
    }

    /**
     * The shortest sparse sketch of these registers (the caller writes the header's magic), or
     * {@code null} when sparse cannot hold them: a register above {@value #SPARSE_MAX_VALUE}, or more than
     * {@value #SPARSE_MAX_BYTES} bytes, the two cases where PFADD turns a sketch dense.
     */
    private static byte[] encodeSparse(byte[] registers) {
        byte[] out = new byte[SPARSE_MAX_BYTES];
        int at = HEADER;
        int first = 0;
        while (first < REGISTERS) {
            int value = registers[first];
            if (value > SPARSE_MAX_VALUE) {
                return null;
            }
            int end = first + 1;
            while (end < REGISTERS && registers[end] == value) {
                end++;
            }
            at = run(out, at, value, end - first);
            if (at < 0) {
                return null;
            }
            first = end;
        }
        byte[] hll = Arrays.copyOf(out, at);
        hll[4] = SPARSE;
        return hll;
    }

    /**
     * {@link #encodeSparse} of the registers of a few members on an empty sketch, without the 16,384 registers: the
     * members' (register, value) pairs sorted, the gaps between them runs of zeros. The same bytes; {@code null} when
     * sparse cannot hold them. The reader builds one per entity-day of inline members, so this is its common case.
     */
    private static byte[] sparseOfFew(long[] pairs, int n) {
        // By register, then value: the last pair of a register holds its largest value.
        Arrays.sort(pairs, 0, n);
        byte[] out = new byte[HEADER + 4 * n + 2];
        int at = HEADER;
        int next = 0;
        int i = 0;
        while (i < n) {
            int register = (int) (pairs[i] >>> 8);
            while (i + 1 < n && pairs[i + 1] >>> 8 == register) {
                i++;
            }
            int value = (int) (pairs[i] & 0xFF);
            if (value > SPARSE_MAX_VALUE) {
                return null;
            }
            // Neighbouring registers of the same value are one run, as encodeSparse finds them.
            int end = register + 1;
            while (i + 1 < n && pairs[i + 1] >>> 8 == end) {
                int last = i + 1;
                while (last + 1 < n && pairs[last + 1] >>> 8 == end) {
                    last++;
                }
                if ((pairs[last] & 0xFF) != value) {
                    break;
                }
                i = last;
                end++;
            }
            at = run(out, run(out, at, 0, register - next), value, end - register);
            next = end;
            i++;
        }
        at = run(out, at, 0, REGISTERS - next);
        if (at < 0) {
            return null;
        }
        byte[] hll = Arrays.copyOf(out, at);
        hll[4] = SPARSE;
        return hll;
    }

    /**
     * Writes {@code run} registers of {@code value} at {@code at} as sparse opcodes (VAL for a value, ZERO or XZERO
     * for zeros) and returns where the next goes, or -1 past {@value #SPARSE_MAX_BYTES} bytes.
     */
    private static int run(byte[] out, int at, int value, int run) {
        while (run > 0 && at >= 0) {
            int chunk;
            if (value != 0) {
                chunk = Math.min(run, SPARSE_VAL_MAX_RUN);
                if (at + 1 > SPARSE_MAX_BYTES) {
                    return -1;
                }
                out[at++] = (byte) (0x80 | (value - 1) << 2 | (chunk - 1));
            } else if (run > SPARSE_ZERO_MAX_RUN) {
                chunk = Math.min(run, SPARSE_XZERO_MAX_RUN);
                if (at + 2 > SPARSE_MAX_BYTES) {
                    return -1;
                }
                out[at++] = (byte) (0x40 | (chunk - 1) >>> 8);
                out[at++] = (byte) (chunk - 1);
            } else {
                chunk = run;
                if (at + 1 > SPARSE_MAX_BYTES) {
                    return -1;
                }
                out[at++] = (byte) (chunk - 1);
            }
            run -= chunk;
        }
        return at;
    }

    /** The dense sketch of these registers (the caller writes the header's magic), packed as {@code HLL_DENSE_SET_REGISTER}. */
    private static byte[] encodeDense(byte[] registers) {
        byte[] hll = new byte[DENSE_SIZE];
        hll[4] = DENSE;
        for (int register = 0; register < REGISTERS; register++) {
            int value = registers[register];
            int bit = register * BITS;
            int at = HEADER + (bit >>> 3);
            int shift = bit & 7;
            hll[at] |= (byte) (value << shift);
            // The last register ends inside its byte: what would spill over is zero (Redis writes its sds terminator).
            if (at + 1 < DENSE_SIZE) {
                hll[at + 1] |= (byte) (value >>> (8 - shift));
            }
        }
        return hll;
    }

    /**
     * {@code MurmurHash64A} as Redis's {@code hyperloglog.c} has it: little-endian 8-byte blocks whatever the
     * machine, then the tail bytes.
     */
    private static long murmurHash64A(byte[] data, int from, int length, int seed) {
        final long m = 0xc6a4a7935bd1e995L;
        final int r = 47;
        long h = (seed & 0xFFFFFFFFL) ^ (length * m);
        int blocks = from + length - (length & 7);
        for (int at = from; at < blocks; at += 8) {
            long k = littleEndian(data, at, 8);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h ^= k;
            h *= m;
        }
        // The C switch's fall-through cases xor the 1 to 7 tail bytes in, little-endian, then multiply once.
        int tail = length & 7;
        if (tail != 0) {
            h ^= littleEndian(data, blocks, tail);
            h *= m;
        }
        h ^= h >>> r;
        h *= m;
        h ^= h >>> r;
        return h;
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

    /** {@code count} bytes from {@code at} as a little-endian number. */
    private static long littleEndian(byte[] data, int at, int count) {
        long value = 0;
        for (int i = count - 1; i >= 0; i--) {
            value = (value << 8) | (data[at + i] & 0xFFL);
        }
        return value;
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
