package org.ead4j.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only log of JSON objects, one per line ({@code steps.jsonl}, {@code eval.jsonl}). Every
 * {@link #append} writes one complete line and fsyncs it before returning, so after a crash the file
 * holds whole lines plus at most one partial last line, which {@link #open} and
 * {@link #truncateAfter} drop. Records carry the global RL step under {@value #STEP}.
 */
public final class JsonlLog implements Closeable {

    /** The field holding the global RL step of a record. */
    public static final String STEP = "step";

    private static final Logger LOG = LoggerFactory.getLogger(JsonlLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;

    private JsonlLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Opens (creating if needed) a log for appending. A partial last line left by a crash is dropped
     * first (with a warning), so new lines never join it.
     *
     * @param file the log file
     * @return the open log
     * @throws IOException if it cannot be opened
     */
    public static JsonlLog open(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        try {
            long complete = completeLength(ch);
            if (complete < ch.size()) {
                LOG.warn("dropping the partial last line of {} ({} bytes) left by an interrupted write", file,
                        ch.size() - complete);
                ch.truncate(complete);
                ch.force(true);
            }
            ch.position(ch.size());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new JsonlLog(file, ch);
    }

    /** @return the log file */
    public Path file() {
        return file;
    }

    /**
     * Appends one record as one line and fsyncs it.
     *
     * @param record field name to value (numbers, strings, booleans, lists, maps; NaN is written as "NaN")
     * @throws IOException if writing fails
     */
    public synchronized void append(Map<String, ?> record) throws IOException {
        append((JsonNode) JSON.valueToTree(record));
    }

    /**
     * Appends one JSON object as one line and fsyncs it.
     *
     * @param record the object
     * @throws IOException if writing fails
     */
    public synchronized void append(JsonNode record) throws IOException {
        if (!record.isObject()) {
            throw new IllegalArgumentException("a log record must be a JSON object, got " + record.getNodeType());
        }
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        JSON.writeValue(line, record);
        line.write('\n');
        try {
            AtomicFiles.appendAndSync(channel, line.toByteArray());
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e); // e.g. "No space left on device", naming the log
        }
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    /**
     * Reads every complete line that parses as a JSON object; a partial last line and malformed lines
     * are skipped with a warning naming the file and line number.
     *
     * @param file the log (a missing file reads as empty)
     * @return the records in file order
     * @throws IOException if the file cannot be read
     */
    public static List<ObjectNode> read(Path file) throws IOException {
        List<ObjectNode> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        MemoryBudget.requireFileSize(file, "the log", MemoryBudget.maxTextFileBytes());
        byte[] bytes = Files.readAllBytes(file);
        int lineNo = 0;
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            lineNo++;
            ObjectNode n = parse(bytes, start, i - start);
            if (n != null) {
                out.add(n);
            } else if (i > start) {
                LOG.warn("{} line {}: not a JSON object, skipped", file, lineNo);
            }
            start = i + 1;
        }
        if (start < bytes.length) {
            LOG.warn("{}: ignoring a partial last line ({} bytes) left by an interrupted write", file,
                    bytes.length - start);
        }
        return out;
    }

    /**
     * Makes a log end at a step, for resuming from a checkpoint at that step: drops a partial last line
     * and every record whose {@value #STEP} is greater than {@code step}, so the resumed run appends
     * without duplicates. Lines without a step and malformed complete lines are kept. The file is
     * replaced atomically, and only if something is dropped.
     *
     * @param file the log (nothing happens if it does not exist)
     * @param step the step of the checkpoint being resumed
     * @return the number of lines (including a partial one) dropped
     * @throws IOException if the file cannot be read or replaced
     */
    public static int truncateAfter(Path file, long step) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        MemoryBudget.requireFileSize(file, "the log", MemoryBudget.maxTextFileBytes());
        byte[] bytes = Files.readAllBytes(file);
        ByteArrayOutputStream kept = new ByteArrayOutputStream(bytes.length);
        int dropped = 0;
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            ObjectNode n = parse(bytes, start, i - start);
            JsonNode s = n == null ? null : n.get(STEP);
            if (s != null && s.isNumber() && s.asLong() > step) {
                dropped++;
            } else {
                kept.write(bytes, start, i + 1 - start);
            }
            start = i + 1;
        }
        if (start < bytes.length) {
            dropped++; // the partial last line
        }
        if (dropped > 0) {
            LOG.info("{}: dropping {} line(s) after step {} to resume from it", file, dropped, step);
            AtomicFiles.write(file, kept.toByteArray());
        }
        return dropped;
    }

    private static ObjectNode parse(byte[] bytes, int off, int len) {
        if (len == 0) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(new String(bytes, off, len, StandardCharsets.UTF_8));
            return n instanceof ObjectNode o ? o : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The length of the file up to and including its last newline. */
    private static long completeLength(FileChannel ch) throws IOException {
        long size = ch.size();
        ByteBuffer b = ByteBuffer.allocate(4096);
        long end = size;
        while (end > 0) {
            int n = (int) Math.min(b.capacity(), end);
            b.clear().limit(n);
            while (b.hasRemaining()) {
                if (ch.read(b, end - n + b.position()) < 0) {
                    throw new IOException("unexpected end of file while reading the log");
                }
            }
            for (int i = n - 1; i >= 0; i--) {
                if (b.get(i) == '\n') {
                    return end - n + i + 1;
                }
            }
            end -= n;
        }
        return 0;
    }
}
