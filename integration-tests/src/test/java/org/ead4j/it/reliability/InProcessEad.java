package org.ead4j.it.reliability;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.ead4j.cli.EadCommand;
import picocli.CommandLine;

/**
 * Runs {@code ead ARGS} in this JVM, as {@code EadLauncher} does, capturing what it prints (picocli's
 * out/err and System.out/err, where the progress printer and the logger write).
 */
final class InProcessEad {

    private InProcessEad() {
    }

    /** The outcome of one command: exit code, everything printed, wall time. */
    record Result(int exitCode, String out, String err, double seconds) {
        String all() {
            return out + err;
        }
    }

    static synchronized Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream sysOut = new ByteArrayOutputStream();
        ByteArrayOutputStream sysErr = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        long t0 = System.nanoTime();
        int code;
        try {
            System.setOut(new PrintStream(sysOut, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(sysErr, true, StandardCharsets.UTF_8));
            CommandLine cl = EadCommand.commandLine(new EadCommand());
            cl.addSubcommand("study", new org.ead4j.examples.study.StudyCommand());
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            code = cl.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        return new Result(code, out + sysOut.toString(StandardCharsets.UTF_8),
                err + sysErr.toString(StandardCharsets.UTF_8), s);
    }
}
