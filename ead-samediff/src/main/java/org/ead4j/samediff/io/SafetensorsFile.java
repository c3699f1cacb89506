package org.ead4j.samediff.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads one safetensors file (docs/safetensors.md): an unsigned 64-bit little-endian header length N, N bytes of
 * JSON ({@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}}, offsets relative to the
 * end of the header), then the raw little-endian tensor data.
 *
 * <p>{@link #open} reads and checks only the header. {@link #read} memory-maps one tensor's region of the file and
 * converts it (F32, BF16 or F16) straight into a new off-heap float32 ND4J array, so no tensor passes through the
 * Java heap and files and tensors larger than 2 GB work. Every malformed file is refused with a one-line
 * {@link ModelFileException} naming the file and the tensor.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Largest header accepted (the reference implementation's limit), so a corrupt length cannot exhaust memory. */
    public static final long MAX_HEADER_BYTES = 100L << 20;
    /** Key of the string-to-string metadata map in the header. */
    public static final String METADATA_KEY = "__metadata__";

    /** Mapped window size: large enough to amortise the mapping, small enough to bound resident pages per call. */
    static long chunkBytes = 64L << 20; // tests lower it to exercise the window loop

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    /**
     * One tensor's header entry.
     *
     * @param name tensor name
     * @param dtype element type
     * @param shape dimensions (empty for a scalar)
     * @param begin first byte, relative to the end of the header
     * @param end one past the last byte, relative to the end of the header
     */
    public record TensorInfo(String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {
        /** @return number of elements (product of the shape) */
        public long numel() {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            return n;
        }

        /** @return a copy of the shape */
        @Override
        public long[] shape() {
            return shape.clone();
        }
    }

    private SafetensorsFile(Path file, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
                            Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /**
     * Opens a file and validates its header.
     *
     * @param file the .safetensors file
     * @return the open file (close it)
     * @throws ModelFileException if the header is malformed or inconsistent with the file
     * @throws IOException if the file cannot be read
     */
    public static SafetensorsFile open(Path file) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, null, "no such file", e);
        }
        try {
            long size = ch.size();
            if (size < 8) {
                throw new ModelFileException(file, null, "file is " + size + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long n = lenBuf.getLong(0);
            if (n < 0 || n > size - 8) {
                throw new ModelFileException(file, null, "header length " + Long.toUnsignedString(n)
                        + " is longer than the file (" + size + " bytes): truncated or not a safetensors file");
            }
            if (n > MAX_HEADER_BYTES) {
                throw new ModelFileException(file, null, "header length " + n + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) n);
            readFully(ch, header, 8);
            long dataStart = 8 + n;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = parseHeader(file, header.array(), size - dataStart, metadata);
            return new SafetensorsFile(file, ch, dataStart, tensors, metadata);
        } catch (RuntimeException | IOException e) {
            ch.close();
            throw e;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos + buf.position());
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static Map<String, TensorInfo> parseHeader(Path file, byte[] header, long dataBytes, Map<String, String> metadata) {
        JsonNode root;
        try {
            ObjectMapper om = new ObjectMapper();
            om.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = om.readTree(header);
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            if (msg != null && msg.startsWith("Duplicate field")) {
                throw new ModelFileException(file, null, "header lists a tensor twice: " + oneLine(msg));
            }
            throw new ModelFileException(file, null, "header is not valid JSON: " + oneLine(msg));
        } catch (IOException e) {
            throw new ModelFileException(file, null, "header is not valid JSON: " + oneLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new ModelFileException(file, null, "header is not a JSON object");
        }
        List<TensorInfo> list = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals(METADATA_KEY)) {
                if (!v.isObject()) {
                    throw new ModelFileException(file, null, METADATA_KEY + " is not an object of strings");
                }
                v.fields().forEachRemaining(m -> {
                    if (!m.getValue().isTextual()) {
                        throw new ModelFileException(file, null, METADATA_KEY + "." + m.getKey() + " is not a string");
                    }
                    metadata.put(m.getKey(), m.getValue().asText());
                });
                continue;
            }
            list.add(entry(file, name, v, dataBytes));
        }
        // offsets must not overlap: sort by begin and compare neighbours
        List<TensorInfo> byOffset = new ArrayList<>(list);
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        for (int i = 1; i < byOffset.size(); i++) {
            TensorInfo a = byOffset.get(i - 1);
            TensorInfo b = byOffset.get(i);
            if (b.begin() < a.end()) {
                throw new ModelFileException(file, b.name(), "data_offsets [" + b.begin() + ", " + b.end()
                        + "] overlap those of tensor '" + a.name() + "' [" + a.begin() + ", " + a.end() + "]");
            }
        }
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        for (TensorInfo t : byOffset) {
            out.put(t.name(), t);
        }
        return Collections.unmodifiableMap(out);
    }

    private static TensorInfo entry(Path file, String name, JsonNode v, long dataBytes) {
        if (!v.isObject()) {
            throw new ModelFileException(file, name, "header entry is not an object");
        }
        JsonNode dt = v.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new ModelFileException(file, name, "header entry has no dtype string");
        }
        SafetensorsDtype dtype = SafetensorsDtype.byName(dt.asText());
        if (dtype == null) {
            throw new ModelFileException(file, name, "dtype " + dt.asText() + " is not supported (supported: "
                    + SafetensorsDtype.supportedNames() + ")");
        }
        JsonNode sh = v.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new ModelFileException(file, name, "header entry has no shape array");
        }
        long[] shape = new long[sh.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw new ModelFileException(file, name, "shape " + sh + " is invalid: dimensions must be integers >= 0");
            }
            shape[i] = d.asLong();
            numel = Math.multiplyHigh(numel, shape[i]) != 0 ? -1 : numel * shape[i];
            if (numel < 0) {
                throw new ModelFileException(file, name, "shape " + sh + " is too large");
            }
        }
        JsonNode off = v.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber()
                || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
            throw new ModelFileException(file, name, "data_offsets " + off + " is invalid: must be [begin, end] integers");
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw new ModelFileException(file, name, "data_offsets [" + begin + ", " + end + "] is invalid: need 0 <= begin <= end");
        }
        if (end > dataBytes) {
            throw new ModelFileException(file, name, "data_offsets [" + begin + ", " + end + "] run past the end of the data ("
                    + dataBytes + " bytes after the header): the file is truncated or the offsets are out of range");
        }
        if (numel > Long.MAX_VALUE / dtype.bytes() || end - begin != numel * dtype.bytes()) {
            throw new ModelFileException(file, name, "data_offsets [" + begin + ", " + end + "] hold " + (end - begin)
                    + " bytes but " + dtype + " " + Arrays.toString(shape) + " needs " + numel * dtype.bytes());
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }

    /** @return the file */
    public Path path() {
        return file;
    }

    /** @return every tensor's header entry by name, in data order */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** @return the header's {@code __metadata__} (empty when absent) */
    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    /**
     * Reads one tensor as a new float32 C-order array (off-heap), converting BF16 and F16 exactly.
     *
     * @param name the tensor
     * @return the array, shaped as in the header
     * @throws ModelFileException if the file has no such tensor or its dtype is not F32, BF16 or F16
     * @throws IOException if the file cannot be read
     */
    public INDArray read(String name) throws IOException {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new ModelFileException(file, name, "no such tensor in the file");
        }
        SafetensorsDtype dt = t.dtype();
        if (!dt.supported()) {
            throw new ModelFileException(file, name, "dtype " + dt + " is not supported (supported: "
                    + SafetensorsDtype.supportedNames() + ")");
        }
        long numel = t.numel();
        if (numel > Integer.MAX_VALUE - 8) {
            throw new ModelFileException(file, name, numel + " elements exceed the largest ND4J float buffer");
        }
        INDArray out = numel == 0 ? Nd4j.create(DataType.FLOAT, t.shape()) : Nd4j.createUninitialized(DataType.FLOAT, t.shape(), 'c');
        if (numel == 0) {
            return out;
        }
        Nd4j.getAffinityManager().ensureLocation(out, AffinityManager.Location.HOST);
        FloatBuffer dst = out.data().asNioFloat();
        dst.position((int) out.offset());
        long pos = dataStart + t.begin();
        long remaining = t.end() - t.begin();
        long chunk = Math.max(dt.bytes(), chunkBytes - chunkBytes % dt.bytes());
        short[] tmp = dt.bytes() == 2 ? new short[1 << 14] : null;
        float[] conv = dt.bytes() == 2 ? new float[1 << 14] : null;
        while (remaining > 0) {
            long len = Math.min(chunk, remaining);
            if (pos + len > channel.size()) {
                throw new ModelFileException(file, name, "the file ends inside this tensor's data: truncated");
            }
            ByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, pos, len).order(ByteOrder.LITTLE_ENDIAN);
            if (dt == SafetensorsDtype.F32) {
                dst.put(mapped.asFloatBuffer());
            } else {
                ShortBuffer sb = mapped.asShortBuffer();
                boolean bf16 = dt == SafetensorsDtype.BF16;
                while (sb.hasRemaining()) {
                    int k = Math.min(tmp.length, sb.remaining());
                    sb.get(tmp, 0, k);
                    for (int i = 0; i < k; i++) {
                        conv[i] = bf16 ? FloatCodec.bf16ToFloat(tmp[i]) : FloatCodec.f16ToFloat(tmp[i]);
                    }
                    dst.put(conv, 0, k);
                }
            }
            pos += len;
            remaining -= len;
        }
        Nd4j.getAffinityManager().tagLocation(out, AffinityManager.Location.HOST);
        return out;
    }

    /**
     * Copies one tensor's raw bytes (as stored, little-endian) into a heap array; for small tensors and tests.
     *
     * @param name the tensor
     * @return its bytes
     * @throws IOException if the file cannot be read
     */
    public byte[] rawBytes(String name) throws IOException {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new ModelFileException(file, name, "no such tensor in the file");
        }
        long len = t.end() - t.begin();
        if (len > Integer.MAX_VALUE - 8) {
            throw new ModelFileException(file, name, "tensor is too large to copy to the heap");
        }
        ByteBuffer b = ByteBuffer.allocate((int) len);
        readFully(channel, b, dataStart + t.begin());
        return b.array();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
