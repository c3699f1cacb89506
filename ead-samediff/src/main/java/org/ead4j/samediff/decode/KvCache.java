package org.ead4j.samediff.decode;

/**
 * Keys and values of every layer for a batch of sequences.
 *
 * <p>One flat position-major array per layer, row and head: {@code keys[l][row*H + h][pos*dh + j]} (the
 * {@code [B, H, capacity, dh]} layout of PyTorch's caches), values alike. Attending reads each array from
 * the start as one contiguous stream, which is what matters once the cache outgrows the CPU caches (at
 * batch 64 a step reads the whole cache: 150 MB for the small preset at context 96); a transposed key
 * layout with one array per feature measured 1.5-2x slower there, its many short streams defeating the
 * prefetcher. Writing a position is one contiguous copy per head. Memory: 2 x layers x rows x capacity x D
 * floats plus one 16-byte array header per (layer, row, head).
 */
final class KvCache {

    final int rows;
    final int capacity;
    final int heads;
    final int headDim;
    final float[][][] keys;   // [L][rows*H][capacity*dh]
    final float[][][] values; // [L][rows*H][capacity*dh]
    final int[] length;         // [rows] positions cached per row

    KvCache(int layers, int rows, int capacity, int heads, int headDim) {
        this.rows = rows;
        this.capacity = capacity;
        this.heads = heads;
        this.headDim = headDim;
        this.keys = new float[layers][rows * heads][capacity * headDim];
        this.values = new float[layers][rows * heads][capacity * headDim];
        this.length = new int[rows];
    }

    /** @return bytes of the cached floats (without array headers) */
    long bytes() {
        return 2L * keys.length * rows * heads * headDim * capacity * Float.BYTES;
    }
}
