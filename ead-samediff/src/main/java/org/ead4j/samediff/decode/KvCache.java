package org.ead4j.samediff.decode;

/**
 * Keys and values of every layer for a batch of sequences.
 *
 * <p>Keys are stored transposed per head, {@code [rows][H][dh][capacity]}, so that the scores of one query
 * against all cached positions are {@code dh} contiguous axpy passes (vectorised by C2) instead of short dot
 * products; values are {@code [rows][H][capacity][dh]}, so the weighted sum is an axpy per position.
 * Memory: 2 x layers x rows x capacity x D floats, the same as a plain cache.
 */
final class KvCache {

    final int rows;
    final int capacity;
    final int heads;
    final int headDim;
    final float[][] keys;   // [L][rows * H * dh * capacity]
    final float[][] values; // [L][rows * H * capacity * dh]
    final int[] length;     // [rows] tokens cached per row

    KvCache(int layers, int rows, int capacity, int heads, int headDim) {
        long perLayer = (long) rows * heads * headDim * capacity;
        if (perLayer > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("KV cache of " + rows + " rows x " + capacity + " positions x "
                    + (heads * headDim) + " features is too large for one Java array per layer ("
                    + perLayer + " floats); decode in smaller batches");
        }
        this.rows = rows;
        this.capacity = capacity;
        this.heads = heads;
        this.headDim = headDim;
        this.keys = new float[layers][(int) perLayer];
        this.values = new float[layers][(int) perLayer];
        this.length = new int[rows];
    }

    /** Index of key element (row, head, dim, pos) in {@code keys[l]}. */
    int keyIndex(int row, int head, int dim, int pos) {
        return ((row * heads + head) * headDim + dim) * capacity + pos;
    }

    /** Index of the first value element of (row, head, pos) in {@code values[l]}. */
    int valueIndex(int row, int head, int pos) {
        return ((row * heads + head) * capacity + pos) * headDim;
    }

    /** @return bytes held by the cache arrays */
    long bytes() {
        return 2L * keys.length * keys[0].length * Float.BYTES;
    }
}
