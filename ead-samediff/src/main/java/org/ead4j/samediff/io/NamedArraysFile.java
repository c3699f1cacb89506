package org.ead4j.samediff.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A simple binary file of named float32 arrays, all little-endian:
 * <pre>
 * magic "EAD4JARR" (8 bytes), int32 version (1), int32 count
 * per array: int32 nameLength, UTF-8 name, int32 rank, int64 dims[rank], float32 values[prod(dims)] (C order)
 * </pre>
 */
public final class NamedArraysFile {

    private static final byte[] MAGIC = "EAD4JARR".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    private NamedArraysFile() {
    }

    /** One named array: its shape and C-order values. */
    public static final class Entry {
        private final long[] shape;
        private final float[] values;

        /**
         * @param shape the shape
         * @param values the C-order values (length = product of the shape)
         */
        public Entry(long[] shape, float[] values) {
            this.shape = shape.clone();
            this.values = values;
        }

        /** @return the shape */
        public long[] shape() {
            return shape.clone();
        }

        /** @return the values (shared) */
        public float[] values() {
            return values;
        }
    }

    /**
     * Writes arrays in map order to a stream.
     *
     * @param out the stream
     * @param arrays name to entry
     * @throws IOException on write failure
     */
    public static void write(OutputStream out, Map<String, Entry> arrays) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).putInt(VERSION).putInt(arrays.size());
        out.write(head.array());
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, Entry> e : arrays.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            long[] shape = e.getValue().shape;
            ByteBuffer h = ByteBuffer.allocate(8 + name.length + 8 * shape.length).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(name.length).put(name).putInt(shape.length);
            for (long s : shape) {
                h.putLong(s);
            }
            out.write(h.array());
            float[] v = e.getValue().values;
            for (int i = 0; i < v.length; ) {
                chunk.clear();
                int n = Math.min(v.length - i, chunk.capacity() / 4);
                chunk.asFloatBuffer().put(v, i, n);
                out.write(chunk.array(), 0, 4 * n);
                i += n;
            }
        }
    }

    /**
     * The length in bytes of a file holding arrays of these shapes (what {@link #write} produces).
     *
     * @param shapes name to shape, as written
     * @return bytes
     */
    public static long sizeOf(Map<String, long[]> shapes) {
        long n = 16;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long k = 1;
            for (long x : e.getValue()) {
                k = Math.multiplyExact(k, x);
            }
            n = Math.addExact(n, 8 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 8L * e.getValue().length);
            n = Math.addExact(n, Math.multiplyExact(4, k));
        }
        return n;
    }

    /**
     * Reads a whole file.
     *
     * @param file the file
     * @return name to entry, in file order
     * @throws IOException if the file cannot be read or is malformed (message names the file and the problem)
     */
    public static Map<String, Entry> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        try {
            byte[] magic = new byte[MAGIC.length];
            b.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(file + " is not an ead4j array file (bad magic bytes)");
            }
            int version = b.getInt();
            if (version != VERSION) {
                throw new IOException(file + " has array-file version " + version + "; this ead4j reads version " + VERSION);
            }
            int count = b.getInt();
            if (count < 0) {
                throw new IOException(file + " is corrupt: negative array count " + count);
            }
            Map<String, Entry> out = new LinkedHashMap<>();
            for (int k = 0; k < count; k++) {
                int nameLen = b.getInt();
                if (nameLen < 0 || nameLen > b.remaining()) {
                    throw new IOException(file + " is corrupt: bad name length " + nameLen + " for array " + k);
                }
                byte[] name = new byte[nameLen];
                b.get(name);
                int rank = b.getInt();
                if (rank < 0 || rank > 8) {
                    throw new IOException(file + " is corrupt: bad rank " + rank + " for array " + k);
                }
                long[] shape = new long[rank];
                long n = 1;
                for (int r = 0; r < rank; r++) {
                    shape[r] = b.getLong();
                    if (shape[r] < 0) {
                        throw new IOException(file + " is corrupt: negative dimension for array " + k);
                    }
                    n *= shape[r];
                }
                if (n * 4 > b.remaining()) {
                    throw new IOException(file + " is truncated: array '" + new String(name, StandardCharsets.UTF_8)
                            + "' needs " + (n * 4) + " bytes, " + b.remaining() + " remain");
                }
                float[] values = new float[(int) n];
                b.asFloatBuffer().get(values);
                b.position(b.position() + 4 * (int) n);
                out.put(new String(name, StandardCharsets.UTF_8), new Entry(shape, values));
            }
            if (b.hasRemaining()) {
                throw new IOException(file + " is corrupt: " + b.remaining() + " unexpected bytes after the last array");
            }
            return out;
        } catch (BufferUnderflowException e) {
            throw new IOException(file + " is truncated (ends inside an array header)", e);
        }
    }
}
