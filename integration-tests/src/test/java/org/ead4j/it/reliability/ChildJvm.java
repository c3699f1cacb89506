package org.ead4j.it.reliability;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code ead} ({@code org.ead4j.examples.EadLauncher}) in a child JVM with this test's classpath (so
 * test-only components such as {@link DigitShareVerifier} resolve), output to a log file.
 */
final class ChildJvm {

    private ChildJvm() {
    }

    /** The test JVM's real classpath (failsafe may hide it behind a manifest-only jar). */
    static String classpath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    /**
     * The command line of {@code ead ARGS} in a child JVM.
     *
     * @param jvmOptions extra JVM options (system properties, heap)
     * @param args ead arguments
     * @return the command
     */
    static List<String> command(List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx768m");
        cmd.add("-XX:+UseSerialGC");
        // short runs: C2 compiling ND4J and SameDiff costs more CPU than it saves (Java FP is strict, results equal)
        cmd.add("-XX:TieredStopAtLevel=1");
        return finish(cmd, jvmOptions, args);
    }

    /**
     * The command line of a long-running {@code ead ARGS} (full JIT, as a user's run).
     *
     * @param jvmOptions JVM options (heap etc.)
     * @param args ead arguments
     * @return the command
     */
    static List<String> longRunning(List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return finish(cmd, jvmOptions, args);
    }

    private static List<String> finish(List<String> cmd, List<String> jvmOptions, List<String> args) {
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-Dorg.slf4j.simpleLogger.log.org.nd4j.imports.converters.ImportClassMapping=error");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classpath());
        cmd.add("org.ead4j.examples.EadLauncher");
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Starts a command with stdout and stderr going to {@code log} (appended).
     *
     * @param cmd the command
     * @param log the log file
     * @return the process
     * @throws IOException if it cannot start
     */
    static Process start(List<String> cmd, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return pb.start();
    }

    /** A finished child: its exit code, output and wall time. */
    record Result(int exitCode, String output, double seconds, boolean timedOut) {
    }

    /**
     * Runs a command to completion (killed after {@code timeoutSeconds}).
     *
     * @param cmd the command
     * @param log the log file (truncated first)
     * @param timeoutSeconds the limit
     * @return the result
     * @throws Exception if it cannot start
     */
    static Result run(List<String> cmd, Path log, long timeoutSeconds) throws Exception {
        Files.deleteIfExists(log);
        long t0 = System.nanoTime();
        Process p = start(cmd, log);
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly().waitFor();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        String out = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        return new Result(done ? p.exitValue() : -1, out, s, !done);
    }

    /**
     * The resident set size of a live process (Linux), including the JVM heap and ND4J's off-heap buffers.
     *
     * @param pid the process id
     * @return VmRSS in KiB, or -1 if unknown
     */
    static long rssKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** @return true when /proc is there (Linux) */
    static boolean hasProc() {
        return new File("/proc/self/status").exists();
    }
}
