package org.ead4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** The ead4j version, read from the build's {@code ead4j-version.properties}. */
public final class EadVersion implements CommandLine.IVersionProvider {

    /** @return the project version, or "unknown" outside a Maven build */
    public static String version() {
        try (InputStream in = EadVersion.class.getResourceAsStream("/org/ead4j/ead4j-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public String[] getVersion() {
        return new String[]{"ead4j " + version(), "Java " + System.getProperty("java.version")};
    }
}
