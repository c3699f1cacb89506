package org.ead4j.samediff.decode;

/**
 * Keys and values of every layer for a batch of sequences.
 *
 * <p>Layout {@code [B, H, capacity, dh]} (PyTorch's cache layout), position-major per row and head: the keys
 * of (row, head) are the contiguous floats {@code offset(row, head) + pos*dh + j} of {@code keys(layer, row)},
 * values alike. Attending reads them from the start as one stream, which is what matters once the cache
 * outgrows the CPU caches (at batch 64 a step reads the whole cache: 150 MB for the small preset at context
 * 96); a transposed key layout with one array per feature measured 1.5-2x slower there, its many short
 * streams defeating the prefetcher. Writing a position is one contiguous copy per head.
 *
 * <p>Each layer is one array (or a few, for caches over 2^30 floats per layer), not one per row and head:
 * arrays that large are humongous objects, which G1 allocates directly in the old generation and never
 * copies, so the resident memory of a cache is its size. Many small arrays were allocated in the young
 * generation and copied on promotion, which added about half the cache's size to the peak resident memory.
 * Memory: 2 x layers x rows x capacity x K x dh floats, with K the key/value heads (numKvHeads: a grouped-query
 * model caches numHeads / numKvHeads times less than one with a key/value head per query head).
 */
final class KvCache {

    /** Largest array the cache allocates, in floats (whole rows per array). */
    static final int MAX_BLOCK_FLOATS = 1 << 30;

    final int rows;
    final int capacity;
    final int heads;
    final int headDim;
    final int[] length;            // [rows] positions cached per row
    private final int rowsPerBlock;
    private final int headStride;  // capacity * dh floats per (row, head)
    private final float[][][] keys;   // [L][block][rowsPerBlock * H * capacity * dh]
    private final float[][][] values; // [L][block][rowsPerBlock * H * capacity * dh]

    KvCache(int layers, int rows, int capacity, int heads, int headDim) {
        this.rows = rows;
        this.capacity = capacity;
        this.heads = heads;
        this.headDim = headDim;
        this.length = new int[rows];
        long perRow = (long) heads * capacity * headDim;
        if (perRow > MAX_BLOCK_FLOATS) {
            throw new IllegalArgumentException("one row of the KV cache (" + perRow + " floats per layer) exceeds "
                    + MAX_BLOCK_FLOATS + " floats");
        }
        this.headStride = capacity * headDim;
        this.rowsPerBlock = (int) Math.min(rows, MAX_BLOCK_FLOATS / perRow);
        int blocks = (rows + rowsPerBlock - 1) / rowsPerBlock;
        this.keys = new float[layers][blocks][];
        this.values = new float[layers][blocks][];
        for (int l = 0; l < layers; l++) {
            for (int b = 0; b < blocks; b++) {
                int n = Math.min(rowsPerBlock, rows - b * rowsPerBlock);
                keys[l][b] = new float[(int) (n * perRow)];
                values[l][b] = new float[(int) (n * perRow)];
            }
        }
    }

    /**
     * @param layer the layer
     * @param row the row
     * @return the array holding that row's keys (at {@link #offset})
     */
    float[] keys(int layer, int row) {
        return keys[layer][row / rowsPerBlock];
    }

    /**
     * @param layer the layer
     * @param row the row
     * @return the array holding that row's values (at {@link #offset})
     */
    float[] values(int layer, int row) {
        return values[layer][row / rowsPerBlock];
    }

    /**
     * @param row the row
     * @param head the head
     * @return index of position 0, feature 0 of (row, head) in {@link #keys} and {@link #values}
     */
    int offset(int row, int head) {
        return ((row % rowsPerBlock) * heads + head) * headStride;
    }

    /** @return bytes of the cached floats */
    long bytes() {
        return 2L * keys.length * rows * heads * headDim * capacity * Float.BYTES;
    }
}
