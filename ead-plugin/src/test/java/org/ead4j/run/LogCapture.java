package org.ead4j.run;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Captures what slf4j-simple (the test logger, which writes to System.err) prints while a block runs. */
final class LogCapture implements AutoCloseable {

    private final PrintStream saved = System.err;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    LogCapture() {
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    }

    String text() {
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        System.setErr(saved);
    }
}
