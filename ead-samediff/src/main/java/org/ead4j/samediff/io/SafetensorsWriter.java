package org.ead4j.samediff.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes safetensors files: {@code __metadata__} first, then the tensors in the map's order with consecutive
 * offsets, the JSON header padded with spaces so that the data starts at a multiple of 8, all values little-endian.
 * Float32 arrays are written as F32, BF16 (round to nearest even, NaN as 0x7FC0, like PyTorch) or F16.
 * Writes to a file are atomic (temp file, fsync, rename).
 */
public final class SafetensorsWriter {

    private static final int CHUNK_FLOATS = 1 << 16;

    private SafetensorsWriter() {
    }

    /**
     * Atomically writes a file.
     *
     * @param file the target
     * @param tensors name to array, written in this order (any float type, views allowed: each is copied to a C-order
     *                float32 array one at a time while writing)
     * @param dtype F32, BF16 or F16
     * @param metadata the header's {@code __metadata__} (may be empty)
     * @return the SHA-256 of the written file
     * @throws IOException if writing fails
     */
    public static String write(Path file, Map<String, INDArray> tensors, SafetensorsDtype dtype,
                               Map<String, String> metadata) throws IOException {
        return AtomicFiles.write(file, out -> write(out, tensors, dtype, metadata));
    }

    /**
     * Writes the file's bytes to a stream.
     *
     * @param out the stream (not closed)
     * @param tensors name to array, in file order
     * @param dtype F32, BF16 or F16
     * @param metadata the header's {@code __metadata__}
     * @throws IOException if writing fails
     */
    public static void write(OutputStream out, Map<String, INDArray> tensors, SafetensorsDtype dtype,
                             Map<String, String> metadata) throws IOException {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        tensors.forEach((n, a) -> shapes.put(n, a.shape()));
        write(out, shapes, name -> floats(tensors.get(name)), dtype, metadata);
    }

    /**
     * The C-order float32 values of an array as a buffer (no copy for a C-order float array that is not a view).
     *
     * @param a any floating-point array
     * @return its values, position to limit
     */
    public static FloatBuffer floats(INDArray a) {
        INDArray c = a.dataType() == DataType.FLOAT && !a.isView() && a.ordering() == 'c' ? a : a.castTo(DataType.FLOAT).dup('c');
        Nd4j.getAffinityManager().ensureLocation(c, AffinityManager.Location.HOST);
        FloatBuffer fb = c.data().asNioFloat();
        fb.position((int) c.offset());
        fb.limit((int) (c.offset() + c.length()));
        return fb;
    }

    /**
     * Atomically writes a file from Java float arrays (e.g. optimiser moments), without copying them off-heap first.
     *
     * @param file the target
     * @param shapes name to shape, in file order
     * @param values name to C-order values (length = product of the shape)
     * @param dtype F32, BF16 or F16
     * @param metadata the header's {@code __metadata__}
     * @return the SHA-256 of the written file
     * @throws IOException if writing fails
     */
    public static String writeFloats(Path file, Map<String, long[]> shapes, Map<String, float[]> values,
                                     SafetensorsDtype dtype, Map<String, String> metadata) throws IOException {
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            float[] v = values.get(e.getKey());
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            if (v == null || v.length != n) {
                throw new IllegalArgumentException("values of '" + e.getKey() + "' are " + (v == null ? "missing" : v.length
                        + " long") + "; its shape " + java.util.Arrays.toString(e.getValue()) + " needs " + n);
            }
        }
        return AtomicFiles.write(file, out -> write(out, shapes, name -> FloatBuffer.wrap(values.get(name)), dtype, metadata));
    }

    /**
     * Atomically writes a file whose tensors are produced one at a time, so that a model larger than memory can be
     * written (e.g. random initialisation of a real shape).
     *
     * @param file the target
     * @param shapes name to shape, in file order
     * @param data called once per tensor, in order: its C-order float32 values (position to limit)
     * @param dtype F32, BF16 or F16
     * @param metadata the header's {@code __metadata__}
     * @return the SHA-256 of the written file
     * @throws IOException if writing fails
     */
    public static String write(Path file, Map<String, long[]> shapes, Function<String, FloatBuffer> data,
                               SafetensorsDtype dtype, Map<String, String> metadata) throws IOException {
        return AtomicFiles.write(file, out -> write(out, shapes, data, dtype, metadata));
    }

    private static void write(OutputStream out, Map<String, long[]> shapes, Function<String, FloatBuffer> data,
                              SafetensorsDtype dtype, Map<String, String> metadata) throws IOException {
        if (dtype == null || !dtype.supported()) {
            throw new IllegalArgumentException("dtype = " + dtype + " is invalid: must be one of " + SafetensorsDtype.supportedNames());
        }
        byte[] header = header(shapes, dtype, metadata);
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        out.write(len.array());
        out.write(header);
        ByteBuffer bytes = ByteBuffer.allocate(CHUNK_FLOATS * 4).order(ByteOrder.LITTLE_ENDIAN);
        float[] chunk = new float[CHUNK_FLOATS];
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            if (numel(e.getValue()) == 0) {
                continue;
            }
            FloatBuffer fb = data.apply(e.getKey()); // one tensor at a time (a view is copied to C order here)
            if (fb.remaining() != numel(e.getValue())) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has " + fb.remaining() + " values; its shape "
                        + java.util.Arrays.toString(e.getValue()) + " needs " + numel(e.getValue()));
            }
            while (fb.hasRemaining()) {
                int k = Math.min(CHUNK_FLOATS, fb.remaining());
                fb.get(chunk, 0, k);
                bytes.clear();
                encode(chunk, k, dtype, bytes);
                out.write(bytes.array(), 0, bytes.position());
            }
        }
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private static void encode(float[] src, int n, SafetensorsDtype dtype, ByteBuffer dst) {
        switch (dtype) {
            case F32:
                for (int i = 0; i < n; i++) {
                    dst.putInt(Float.floatToRawIntBits(src[i]));
                }
                break;
            case BF16:
                for (int i = 0; i < n; i++) {
                    dst.putShort(FloatCodec.floatToBf16(src[i]));
                }
                break;
            default:
                for (int i = 0; i < n; i++) {
                    dst.putShort(FloatCodec.floatToF16(src[i]));
                }
        }
    }

    /**
     * The header bytes (JSON padded with spaces to a multiple of 8) for these tensors.
     *
     * @param tensors name to shape, in file order
     * @param dtype the stored type
     * @param metadata the {@code __metadata__} map
     * @return the padded header
     */
    static byte[] header(Map<String, long[]> tensors, SafetensorsDtype dtype, Map<String, String> metadata) {
        Map<String, Object> h = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            h.put(SafetensorsFile.METADATA_KEY, new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, long[]> e : tensors.entrySet()) {
            if (e.getKey().equals(SafetensorsFile.METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor cannot be named " + SafetensorsFile.METADATA_KEY);
            }
            long n = numel(e.getValue()) * dtype.bytes();
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("dtype", dtype.name());
            t.put("shape", e.getValue());
            t.put("data_offsets", List.of(offset, offset + n));
            h.put(e.getKey(), t);
            offset += n;
        }
        byte[] json;
        try {
            json = new ObjectMapper().writeValueAsBytes(h);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a safetensors header", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }
}
