package org.ead4j.samediff.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ead4j.samediff.nd.HostArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SafetensorsTest {

    @TempDir
    Path tmp;

    private static final float[] KNOWN = {1f, -2f, 1f + 0x1p-8f, 1f + 3 * 0x1p-8f,
        Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3f};

    /** The exact bytes of a tiny BF16 file, written out by hand from the format description. */
    @Test
    void bf16FileMatchesHandWrittenGoldenBytes() throws IOException {
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put("x", Nd4j.create(KNOWN, new long[]{2, 4}, 'c'));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafetensorsWriter.write(out, t, SafetensorsDtype.BF16, Map.of("format", "pt"));

        String json = "{\"__metadata__\":{\"format\":\"pt\"},\"x\":{\"dtype\":\"BF16\",\"shape\":[2,4],\"data_offsets\":[0,16]}}";
        assertEquals(89, json.length());
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(new byte[]{96, 0, 0, 0, 0, 0, 0, 0}); // 89 bytes of JSON padded to 96 (data at 8 + 96 = 104)
        expected.write(json.getBytes(StandardCharsets.US_ASCII));
        expected.write("       ".getBytes(StandardCharsets.US_ASCII));
        int[] bf16 = {0x3F80, 0xC000, 0x3F80, 0x3F82, 0x7FC0, 0x7F80, 0xFF80, 0x4040};
        for (int b : bf16) {
            expected.write(b & 0xFF);
            expected.write(b >>> 8);
        }
        assertArrayEquals(expected.toByteArray(), out.toByteArray());

        Path f = tmp.resolve("golden.safetensors");
        Files.write(f, expected.toByteArray());
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertEquals(Map.of("format", "pt"), sf.metadata());
            float[] back = HostArrays.toFloats(sf.read("x"));
            float[] want = {1f, -2f, 1f, 1f + 2 * 0x1p-7f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3f};
            assertArrayEquals(want, back);
            assertArrayEquals(new long[]{2, 4}, sf.read("x").shape());
        }
    }

    @Test
    void f16FileMatchesHandWrittenGoldenBytes() throws IOException {
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put("h", Nd4j.create(new float[]{1f, 65504f, 65520f, 0x1p-24f, 0x1p-25f, -0f}, new long[]{6}, 'c'));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafetensorsWriter.write(out, t, SafetensorsDtype.F16, Map.of());
        String json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[6],\"data_offsets\":[0,12]}}";
        int padded = (json.length() + 7) / 8 * 8;
        byte[] bytes = out.toByteArray();
        assertEquals(padded, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong());
        assertEquals(json + " ".repeat(padded - json.length()), new String(bytes, 8, padded, StandardCharsets.US_ASCII));
        int[] f16 = {0x3C00, 0x7BFF, 0x7C00, 0x0001, 0x0000, 0x8000};
        ByteBuffer data = ByteBuffer.wrap(bytes, 8 + padded, 12).order(ByteOrder.LITTLE_ENDIAN);
        for (int h : f16) {
            assertEquals(h, data.getShort() & 0xFFFF);
        }
    }

    @Test
    void roundTripsEveryDtypeAndShapeThroughMappedWindows() throws IOException {
        SplittableRandom r = new SplittableRandom(7);
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put("a", random(r, 3, 5));
        t.put("b.bias", random(r, 7));
        t.put("c", random(r, 2, 3, 4));
        t.put("scalar", Nd4j.scalar(2.5f));
        t.put("view", random(r, 4, 6).transpose()); // a view: written in its logical C order
        long saved = SafetensorsFile.chunkBytes;
        try {
            SafetensorsFile.chunkBytes = 10; // windows smaller than a tensor
            for (SafetensorsDtype dt : new SafetensorsDtype[]{SafetensorsDtype.F32, SafetensorsDtype.BF16, SafetensorsDtype.F16}) {
                Path f = tmp.resolve("rt-" + dt + ".safetensors");
                SafetensorsWriter.write(f, t, dt, Map.of("format", "pt"));
                assertEquals(0, (Files.size(f) - sizeOfData(t, dt)) % 8, "data starts at a multiple of 8");
                try (SafetensorsFile sf = SafetensorsFile.open(f)) {
                    assertEquals(List.copyOf(t.keySet()), List.copyOf(sf.tensors().keySet()));
                    for (Map.Entry<String, INDArray> e : t.entrySet()) {
                        INDArray back = sf.read(e.getKey());
                        assertArrayEquals(e.getValue().shape(), back.shape(), e.getKey());
                        float[] src = HostArrays.toFloats(e.getValue());
                        float[] got = HostArrays.toFloats(back);
                        for (int i = 0; i < src.length; i++) {
                            float want = dt == SafetensorsDtype.F32 ? src[i] : dt == SafetensorsDtype.BF16
                                    ? FloatCodec.bf16ToFloat(FloatCodec.floatToBf16(src[i]))
                                    : FloatCodec.f16ToFloat(FloatCodec.floatToF16(src[i]));
                            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[i]), e.getKey() + "[" + i + "]");
                        }
                    }
                }
            }
        } finally {
            SafetensorsFile.chunkBytes = saved;
        }
    }

    @Test
    void shardsWithAnIndexReadBackAsOneModel() throws IOException {
        SplittableRandom r = new SplittableRandom(3);
        Map<String, INDArray> t = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            t.put("w" + i, random(r, 4, 8)); // 128 bytes each in F32
        }
        Path dir = tmp.resolve("sharded");
        List<Path> files = SafetensorsModel.write(dir, t, SafetensorsDtype.F32, 300, Map.of("format", "pt"));
        assertEquals(4, files.size()); // 2 + 2 + 1 tensors, then the index
        assertTrue(Files.exists(dir.resolve("model-00001-of-00003.safetensors")));
        assertFalse(Files.exists(dir.resolve(SafetensorsModel.SINGLE_FILE)));
        try (SafetensorsModel m = SafetensorsModel.open(dir)) {
            assertEquals(5 * 32, m.parameterCount());
            for (Map.Entry<String, INDArray> e : t.entrySet()) {
                assertEquals(e.getValue(), m.read(e.getKey()));
            }
            assertEquals("model-00003-of-00003.safetensors", m.fileOf("w4").getFileName().toString());
        }
        String index = Files.readString(dir.resolve(SafetensorsModel.INDEX_FILE));
        assertTrue(index.contains("\"total_size\" : 640"), index);
        // written again below the threshold: one file, the shards and index gone
        SafetensorsModel.write(dir, t, SafetensorsDtype.F32, 1 << 20, Map.of());
        assertTrue(Files.exists(dir.resolve(SafetensorsModel.SINGLE_FILE)));
        assertFalse(Files.exists(dir.resolve(SafetensorsModel.INDEX_FILE)));
        assertFalse(Files.exists(dir.resolve("model-00001-of-00003.safetensors")));
    }

    // ---- malformed files: each is a one-line ModelFileException naming the file (and the tensor) ----

    @Test
    void headerLongerThanTheFile() throws IOException {
        Path f = tmp.resolve("long.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).put("{}      ".getBytes());
        Files.write(f, b.array());
        expect(f, null, "longer than the file");
        Files.write(f, new byte[]{1, 2, 3});
        expect(f, null, "shorter than the 8-byte header length");
    }

    @Test
    void badJson() throws IOException {
        expect(file("json", "{\"x\": {\"dtype\": \"F32\",", 0), null, "not valid JSON");
        expect(file("array", "[1, 2]", 0), null, "not a JSON object");
    }

    @Test
    void offsetsOutOfRangeOverlappingOrNotMatchingTheShape() throws IOException {
        expect(file("range", "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4), "x", "run past the end");
        expect(file("neg", "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8), "x", "need 0 <= begin <= end");
        expect(file("overlap", "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "y", "overlap those of tensor 'x'");
        expect(file("size", "{\"x\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16), "x",
                "hold 16 bytes but BF16 [2, 2] needs 8");
        expect(file("shape", "{\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0), "x", "dimensions must be integers");
    }

    @Test
    void truncatedFile() throws IOException {
        Path f = tmp.resolve("trunc.safetensors");
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put("a", Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 4));
        t.put("b", Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 4));
        SafetensorsWriter.write(f, t, SafetensorsDtype.F32, Map.of());
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 5);
        }
        expect(f, "b", "truncated");
    }

    @Test
    void tensorListedTwice() throws IOException {
        expect(file("dup", "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), null, "lists a tensor twice");
    }

    @Test
    void unsupportedDtypeIsNamedWithTheSupportedOnes() throws IOException {
        expect(file("q4", "{\"x\":{\"dtype\":\"Q4_K\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "x",
                "dtype Q4_K is not supported (supported: F32, BF16, F16)");
        Path f = file("i64", "{\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8);
        try (SafetensorsFile sf = SafetensorsFile.open(f)) { // a known type opens; reading it is refused
            ModelFileException e = assertThrows(ModelFileException.class, () -> sf.read("ids"));
            assertOneLine(e, f, "ids", "dtype I64 is not supported (supported: F32, BF16, F16)");
        }
    }

    @Test
    void indexNamingAMissingShardOrDisagreeingWithIt() throws IOException {
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put("a", Nd4j.ones(4));
        t.put("b", Nd4j.ones(4));
        Path dir = tmp.resolve("idx");
        SafetensorsModel.write(dir, t, SafetensorsDtype.F32, 16, Map.of());
        Path index = dir.resolve(SafetensorsModel.INDEX_FILE);
        String good = Files.readString(index);

        Files.writeString(index, good.replace("model-00002-of-00002", "model-00009-of-00009"));
        expectModel(dir, index, "b", "names shard model-00009-of-00009.safetensors, which does not exist");

        Files.writeString(index, good.replace("\"b\" : \"model-00002-of-00002.safetensors\"",
                "\"b\" : \"model-00001-of-00002.safetensors\""));
        expectModel(dir, dir.resolve("model-00001-of-00002.safetensors"), "b", "absent from it");

        Files.writeString(index, good.replace("\"b\" : \"model-00002-of-00002.safetensors\"",
                "\"b\" : \"model-00002-of-00002.safetensors\", \"b\" : \"model-00001-of-00002.safetensors\""));
        expectModel(dir, index, null, "lists a tensor twice");

        // the same tensor stored in two shards
        Map<String, INDArray> dupe = new LinkedHashMap<>();
        dupe.put("a", Nd4j.ones(4));
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), Map.of("a", Nd4j.ones(4), "b", Nd4j.ones(4))
                .entrySet().stream().collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll),
                SafetensorsDtype.F32, Map.of());
        Files.writeString(index, good);
        expectModel(dir, dir.resolve("model-00002-of-00002.safetensors"), "a", "listed twice");

        // the index gone and no single file
        Files.delete(index);
        ModelFileException e = assertThrows(ModelFileException.class, () -> SafetensorsModel.open(dir));
        assertTrue(e.getMessage().contains("holds neither model.safetensors nor model.safetensors.index.json"), e.getMessage());
    }

    private static void expectModel(Path dir, Path file, String tensor, String text) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> SafetensorsModel.open(dir).close());
        assertOneLine(e, file, tensor, text);
    }

    private Path file(String name, String json, int dataBytes) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = tmp.resolve(name + ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    private static void expect(Path f, String tensor, String text) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> {
            try (SafetensorsFile sf = SafetensorsFile.open(f)) {
                for (String n : sf.tensors().keySet()) {
                    sf.read(n);
                }
            }
        });
        assertOneLine(e, f, tensor, text);
    }

    static void assertOneLine(RuntimeException e, Path f, String tensor, String text) {
        String m = e.getMessage();
        assertTrue(m.startsWith(f.toString()), m);
        assertFalse(m.contains("\n"), m);
        if (tensor != null) {
            assertTrue(m.contains("tensor '" + tensor + "'"), m);
        }
        assertTrue(m.contains(text), m);
    }

    private static long sizeOfData(Map<String, INDArray> t, SafetensorsDtype dt) {
        return t.values().stream().mapToLong(a -> a.length() * dt.bytes()).sum() + 8;
    }

    private static INDArray random(SplittableRandom r, long... shape) {
        int n = 1;
        for (long s : shape) {
            n *= (int) s;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * 3);
        }
        return Nd4j.create(v, shape, 'c');
    }
}
