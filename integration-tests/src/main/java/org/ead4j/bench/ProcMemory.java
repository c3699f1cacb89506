package org.ead4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Resident memory of this process from {@code /proc/self/status}: it counts the Java heap, ND4J's and
 * libtorch's off-heap buffers and native code alike, which the JVM's own counters do not.
 */
public final class ProcMemory {

    private static final Path STATUS = Paths.get("/proc/self/status");
    private static final Path CLEAR_REFS = Paths.get("/proc/self/clear_refs");

    private ProcMemory() {
    }

    /** @return whether /proc/self/status can be read (Linux) */
    public static boolean available() {
        return Files.isReadable(STATUS);
    }

    /** @return current resident set size in bytes (VmRSS), or -1 when unavailable */
    public static long rss() {
        return field("VmRSS:");
    }

    /** @return peak resident set size in bytes since start or the last {@link #resetPeak()} (VmHWM), or -1 */
    public static long peak() {
        return field("VmHWM:");
    }

    /**
     * Resets VmHWM to the current VmRSS (Linux &gt;= 4.0: writing 5 to /proc/self/clear_refs), so that a later
     * {@link #peak()} covers only what follows.
     *
     * @return whether the reset worked
     */
    public static boolean resetPeak() {
        try {
            Files.write(CLEAR_REFS, "5".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException | SecurityException e) {
            return false;
        }
        long p = peak();
        long r = rss();
        return p >= 0 && p <= r + (1L << 20); // the peak now equals the current RSS (within a page or so)
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024L; // the kernel reports kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
