package org.ead4j.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads a JSONL file (one JSON object per line) strictly, for datasets and rollout files.
 * <ul>
 *   <li>UTF-8 only: an invalid byte sequence is an error naming the line and byte offset; a UTF-8
 *       byte-order mark at the start of the file is skipped.</li>
 *   <li>Lines end with {@code \n} or {@code \r\n}; the last line may lack its newline.</li>
 *   <li><b>Blank lines (only whitespace) are skipped</b> but still counted, so line numbers in
 *       messages match an editor's.</li>
 *   <li>A line longer than {@code maxLineBytes} bytes is an error (checked before decoding).</li>
 *   <li>Each non-blank line must hold exactly one JSON object: malformed JSON, another JSON type,
 *       trailing content after the object, and duplicate keys are errors.</li>
 *   <li>A file without any record (empty or only blank lines) is an error.</li>
 * </ul>
 * The SHA-256 of the file's bytes identifies the content for provenance.
 */
public final class JsonlLines {

    /** Default limit on one line: 1 MiB. */
    public static final long DEFAULT_MAX_LINE_BYTES = 1L << 20;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false); // keep "1.50" as written

    private final Path file;
    private final String sha256;
    private final List<JsonlLine> lines;

    private JsonlLines(Path file, String sha256, List<JsonlLine> lines) {
        this.file = file;
        this.sha256 = sha256;
        this.lines = lines;
    }

    /**
     * Reads and parses a whole file.
     *
     * @param file the JSONL file
     * @param maxLineBytes the longest line allowed, in bytes
     * @return the records, in file order
     * @throws IOException if the file cannot be read (e.g. {@link java.nio.file.NoSuchFileException})
     * @throws JsonlFormatException if the content breaks a rule above
     */
    public static JsonlLines read(Path file, long maxLineBytes) throws IOException {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes = " + maxLineBytes + " is invalid: must be >= 1");
        }
        org.ead4j.run.MemoryBudget.requireFileSize(file, "the JSONL file", org.ead4j.run.MemoryBudget.maxTextFileBytes());
        byte[] bytes = Files.readAllBytes(file);
        String sha = sha256(bytes);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<JsonlLine> out = new ArrayList<>();
        int start = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            start = 3;
        }
        int lineNo = 0;
        while (start < bytes.length) {
            lineNo++;
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            int next = end + 1;
            if (end > start && bytes[end - 1] == '\r') {
                end--;
            }
            int len = end - start;
            if (len > maxLineBytes) {
                throw new JsonlFormatException(file, lineNo, "line has " + len + " bytes, over the limit of "
                        + maxLineBytes + " bytes (maxLineBytes)");
            }
            String text = decode(utf8, bytes, start, len, file, lineNo);
            if (!text.isBlank()) {
                out.add(new JsonlLine(file, lineNo, parse(text, file, lineNo)));
            }
            start = next;
        }
        if (out.isEmpty()) {
            throw new JsonlFormatException(file, 0, "empty file: no records (" + bytes.length
                    + " bytes, expected one JSON object per line)");
        }
        return new JsonlLines(file, sha, List.copyOf(out));
    }

    private static String decode(CharsetDecoder utf8, byte[] bytes, int start, int len, Path file, int lineNo) {
        ByteBuffer in = ByteBuffer.wrap(bytes, start, len);
        CharBuffer out = CharBuffer.allocate(len); // UTF-8 never yields more UTF-16 units than bytes
        utf8.reset();
        CoderResult r = utf8.decode(in, out, true);
        if (!r.isError()) {
            r = utf8.flush(out);
        }
        if (r.isError()) {
            int bad = in.position() - start;
            throw new JsonlFormatException(file, lineNo, String.format(
                    "invalid UTF-8 at byte %d of the line (byte 0x%02X); files must be UTF-8", bad, bytes[in.position()] & 0xFF));
        }
        return out.flip().toString();
    }

    private static ObjectNode parse(String text, Path file, int lineNo) {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            String what = e.getOriginalMessage();
            int nl = what.indexOf('\n');
            if (nl >= 0) {
                what = what.substring(0, nl);
            }
            String where = e.getLocation() != null ? " at column " + e.getLocation().getColumnNr() : "";
            String kind = what.contains("Duplicate field") ? "duplicate field in JSON object" : "malformed JSON";
            if (what.contains("Trailing token")) {
                kind = "trailing content after the JSON object (one object per line)";
            }
            throw new JsonlFormatException(file, lineNo, kind + where + ": " + what);
        }
        if (!(node instanceof ObjectNode obj)) {
            throw new JsonlFormatException(file, lineNo, "each line must be a JSON object, got "
                    + JsonlLine.describe(node));
        }
        return obj;
    }

    /**
     * The SHA-256 of some bytes, as lowercase hex.
     *
     * @param bytes the content
     * @return 64 hex digits
     */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** @return the file read */
    public Path file() {
        return file;
    }

    /** @return the SHA-256 of the file's bytes, lowercase hex */
    public String sha256() {
        return sha256;
    }

    /** @return the records (non-blank lines), in file order */
    public List<JsonlLine> lines() {
        return lines;
    }
}
