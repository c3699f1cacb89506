package org.ead4j.cli;

import java.util.regex.Pattern;

/**
 * Makes a user-error message fit the CLI's promise: one line without Java exception class names or
 * parser locations, cut at {@value #MAX} characters. ead4j's own messages are written to stay under
 * 300 characters with ordinary paths (the reliability suite checks that); this is the net under
 * messages that come from libraries (picocli's converters, Jackson, OLCUT), which can run to kilobytes.
 * The cut leaves room for long absolute paths, which a message may name twice.
 */
public final class UserMessages {

    /** The longest message printed, in characters. */
    public static final int MAX = 500;

    private static final Pattern EXCEPTION_PREFIX =
            Pattern.compile("\\b(?:[a-z][\\w$]*\\.)*[A-Z][\\w$]*(?:Exception|Error)(?::\\s*|\\b)");
    private static final Pattern JACKSON_LOCATION = Pattern.compile("\\s*at \\[Source:.*?\\](?:\\s*\\(through reference chain:[^)]*\\))?");
    private static final Pattern JACKSON_FEATURE = Pattern.compile(":?\\s*enable `[^`]*` to allow(?: it)?");
    private static final Pattern REFERENCE_CHAIN = Pattern.compile("\\s*\\(through reference chain:[^)]*\\)");

    private static final Pattern TYPE_NAME =
            Pattern.compile("\\bto (?:interface |class )?(?:[a-z]\\w*\\.)+([A-Z]\\w*)");

    private UserMessages() {
    }

    /**
     * The message as one clean line.
     *
     * @param message a message (may be null)
     * @return one line, at most {@value #MAX} characters
     */
    public static String oneLine(String message) {
        String m = message == null ? "unknown error" : message;
        m = JACKSON_LOCATION.matcher(m).replaceAll("");
        m = JACKSON_FEATURE.matcher(m).replaceAll(" (not allowed in JSON)");
        m = REFERENCE_CHAIN.matcher(m).replaceAll("");
        m = EXCEPTION_PREFIX.matcher(m).replaceAll("");
        m = TYPE_NAME.matcher(m).replaceAll(r -> "to a " + r.group(1).toLowerCase(java.util.Locale.ROOT));
        m = m.replaceAll("\\s*[\\r\\n]+\\s*", " ").replaceAll("\\s{2,}", " ").strip();
        if (m.isEmpty()) {
            m = "invalid input";
        }
        if (m.length() > MAX) {
            m = m.substring(0, MAX - 3) + "...";
        }
        return m;
    }
}
