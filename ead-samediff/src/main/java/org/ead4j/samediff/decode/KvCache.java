package org.ead4j.samediff.decode;

/**
 * Keys and values of every layer for a batch of sequences.
 *
 * <p>Keys are stored transposed per head, {@code keys[l][row*H + h][dim]} = the key feature {@code dim} at
 * every position ({@code float[capacity]}), so that the scores of one query against all cached positions
 * are {@code dh} vectorisable axpy passes; values are {@code values[l][row*H + h][pos]} = {@code float[dh]},
 * so the weighted sum is one vectorisable axpy per position. Memory: 2 x layers x rows x capacity x D
 * floats plus Java array headers (16 bytes per value vector, i.e. 6% at dh = 64).
 */
final class KvCache {

    final int rows;
    final int capacity;
    final int heads;
    final float[][][][] keys;   // [L][rows*H][dh][capacity]
    final float[][][][] values; // [L][rows*H][capacity][dh]
    final int[] length;         // [rows] positions cached per row

    KvCache(int layers, int rows, int capacity, int heads, int headDim) {
        this.rows = rows;
        this.capacity = capacity;
        this.heads = heads;
        this.keys = new float[layers][rows * heads][headDim][capacity];
        this.values = new float[layers][rows * heads][capacity][headDim];
        this.length = new int[rows];
    }

    /** @return bytes of the cached floats (without array headers) */
    long bytes() {
        return 2L * keys.length * rows * heads * keys[0][0].length * capacity * Float.BYTES;
    }
}
