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
        if (dtype == null || !dtype.supported()) {
            throw new IllegalArgumentException("dtype = " + dtype + " is invalid: must be one of " + SafetensorsDtype.supportedNames());
        }
        byte[] header = header(tensors, dtype, metadata);
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        out.write(len.array());
        out.write(header);
        ByteBuffer bytes = ByteBuffer.allocate(CHUNK_FLOATS * 4).order(ByteOrder.LITTLE_ENDIAN);
        float[] chunk = new float[CHUNK_FLOATS];
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray a = e.getValue();
            if (a.length() == 0) {
                continue;
            }
            INDArray c = a.dataType() == DataType.FLOAT && !a.isView() && a.ordering() == 'c' ? a : a.castTo(DataType.FLOAT).dup('c');
            Nd4j.getAffinityManager().ensureLocation(c, AffinityManager.Location.HOST);
            FloatBuffer fb = c.data().asNioFloat();
            fb.position((int) c.offset());
            fb.limit((int) (c.offset() + c.length()));
            while (fb.hasRemaining()) {
                int k = Math.min(CHUNK_FLOATS, fb.remaining());
                fb.get(chunk, 0, k);
                bytes.clear();
                encode(chunk, k, dtype, bytes);
                out.write(bytes.array(), 0, bytes.position());
            }
        }
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
     * @param tensors name to array, in file order
     * @param dtype the stored type
     * @param metadata the {@code __metadata__} map
     * @return the padded header
     */
    static byte[] header(Map<String, INDArray> tensors, SafetensorsDtype dtype, Map<String, String> metadata) {
        Map<String, Object> h = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            h.put(SafetensorsFile.METADATA_KEY, new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            if (e.getKey().equals(SafetensorsFile.METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor cannot be named " + SafetensorsFile.METADATA_KEY);
            }
            long n = e.getValue().length() * dtype.bytes();
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("dtype", dtype.name());
            t.put("shape", e.getValue().shape());
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
