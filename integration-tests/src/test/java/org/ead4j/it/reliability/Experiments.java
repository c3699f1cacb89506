package org.ead4j.it.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ead4j.run.JsonlLog;
import org.ead4j.run.RunDirectory;

/** The suite's tiny experiment (a template resource) and readers for what a run leaves behind. */
final class Experiments {

    private Experiments() {
    }

    /** Settings of the tiny experiment; {@link #with} overrides one. */
    static Map<String, String> defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("steps", "20");
        m.put("prompts", "4");
        m.put("maxTokens", "12");
        m.put("checkpointEvery", "3");
        m.put("evalEvery", "5");
        m.put("dModel", "16");
        m.put("ffn", "32");
        m.put("warmSteps", "12");
        m.put("onNonFinite", "STOP");
        m.put("advantageClass", "org.ead4j.advantage.GrpoAdvantage");
        m.put("advantageProps", "");
        m.put("lossClass", "org.ead4j.loss.DapoLoss");
        m.put("lossProps", "");
        m.put("extra", "");
        return m;
    }

    /**
     * Writes the experiment configuration with the given settings.
     *
     * @param settings template values
     * @param file where to write it
     * @return the file
     * @throws IOException if it cannot be written
     */
    static Path write(Map<String, String> settings, Path file) throws IOException {
        String t = resource("experiment-template.json");
        for (Map.Entry<String, String> e : settings.entrySet()) {
            t = t.replace("${" + e.getKey() + "}", e.getValue());
        }
        if (t.contains("${")) {
            throw new IllegalStateException("unfilled template value in " + t);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, t, StandardCharsets.UTF_8);
        return file;
    }

    /**
     * A text resource of this package.
     *
     * @param name the resource name
     * @return its content
     * @throws IOException if missing
     */
    static String resource(String name) throws IOException {
        try (InputStream in = Experiments.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The run-info map of a run's provenance.json (final-weights-sha256, status, ...). */
    static Map<String, String> runInfo(Path runDir) throws IOException {
        return RunDirectory.open(runDir).readProvenance().runInfo();
    }

    /** The steps of a log's records, in file order. */
    static List<Long> steps(Path log) throws IOException {
        return JsonlLog.read(log).stream().map(o -> o.path(JsonlLog.STEP).asLong(-1)).toList();
    }

    /** The number of complete lines of a log (0 if missing). */
    static int lines(Path log) {
        try {
            if (!Files.exists(log)) {
                return 0;
            }
            byte[] b = Files.readAllBytes(log);
            int n = 0;
            for (byte x : b) {
                n += x == '\n' ? 1 : 0;
            }
            return n;
        } catch (IOException e) {
            return 0;
        }
    }
}
