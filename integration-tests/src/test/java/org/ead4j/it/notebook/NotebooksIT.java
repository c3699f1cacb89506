package org.ead4j.it.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Executes every {@code examples/notebooks/*.ipynb} headless through the {@code ead4j-java} kernel
 * (rapaio-jupyter-kernel 3.0.1) and fails on a cell error, a failed assertion cell, or a notebook
 * that does not print its {@code NOTEBOOK_OK} marker.
 *
 * <p>The kernel is installed once by {@code scripts/install-jupyter-kernel.sh --dir
 * integration-tests/target/jupyter} (the user's Jupyter folders are not touched) and each notebook
 * runs through {@code scripts/run-notebook.sh}, which retries only kernel startup failures. Where
 * Debian's Jupyter ({@code /usr/bin/jupyter} with nbconvert, nbclient and nbformat for the system
 * python3) is missing, every test is reported as skipped with the reason.
 */
class NotebooksIT {

    /** Debian's launcher (another python3 may be first on PATH); -Dead4j.it.jupyter=PATH overrides it. */
    private static final Path JUPYTER = Path.of(System.getProperty("ead4j.it.jupyter", "/usr/bin/jupyter"));
    private static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");
    private static final String MARKER = "NOTEBOOK_OK";
    private static final String APT_LINE = "apt-get install -y --no-install-recommends jupyter-nbconvert "
            + "jupyter-client python3-nbclient python3-nbformat jupyter-core";
    /** Kernel install: may fetch the kernel jar with Maven. */
    private static final long INSTALL_TIMEOUT_S = 600;
    /** One notebook, all startup retries included; each try is also bounded by the runner. */
    private static final long NOTEBOOK_TIMEOUT_S = 900;

    private static Path root;
    private static Path work;
    private static String skipReason;
    private static String installError;
    private static boolean installed;

    @BeforeAll
    static void findJupyter() throws Exception {
        root = repoRoot();
        work = root.resolve("integration-tests/target/notebooks");
        Files.createDirectories(work);
        if (!Files.isExecutable(JUPYTER)) {
            skipReason = JUPYTER + " not found (Debian's Jupyter); install it with: " + APT_LINE;
            return;
        }
        Result modules = run(List.of(SYSTEM_PYTHON.toString(), "-c", "import nbformat, nbclient, nbconvert, jupyter_client"),
                root, Map.of(), 60, work.resolve("python-modules.log"));
        if (modules.exitCode != 0) {
            skipReason = SYSTEM_PYTHON + " lacks nbformat/nbclient/nbconvert/jupyter_client; install them with: "
                    + APT_LINE + "\n" + modules.tail();
        }
        if (skipReason != null) {
            System.out.println("NotebooksIT: notebook tests will be SKIPPED: " + skipReason);
        }
    }

    /** Every bundled notebook, by file name. */
    static Stream<String> notebooks() throws IOException {
        Path dir = repoRoot().resolve("examples/notebooks");
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ipynb")).sorted()
                    .toList().stream();
        }
    }

    @Test
    void notebooksAreBundled() throws IOException {
        // guards the parameterized test below against silently running zero notebooks
        assertTrue(notebooks().anyMatch("schedule-explorer.ipynb"::equals),
                "examples/notebooks/schedule-explorer.ipynb is missing");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notebooks")
    void notebookRunsAndItsChecksPass(String name) throws Exception {
        Assumptions.assumeTrue(skipReason == null, () -> "notebook tests skipped: " + skipReason);
        Path kernels = installKernelOnce();
        Path in = root.resolve("examples/notebooks").resolve(name);
        Path out = work.resolve(name);
        Files.deleteIfExists(out);
        Path log = work.resolve(name.replace(".ipynb", ".runner.log"));

        long t0 = System.nanoTime();
        Result r = run(List.of("bash", root.resolve("scripts/run-notebook.sh").toString(), in.toString(), out.toString()),
                root, Map.of("JUPYTER_PATH", kernels.toString(), "EAD4J_JUPYTER", JUPYTER.toString(),
                        "JUPYTER_RUNTIME_DIR", kernels.resolve("runtime").toString(),
                        "EAD4J_NB_CELL_TIMEOUT", "300", "EAD4J_NB_RUN_TIMEOUT", "420"),
                NOTEBOOK_TIMEOUT_S, log);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long retries = r.output.lines().filter(l -> l.contains("kernel startup failed")).count();
        System.out.printf("notebook %s: exit %d in %.1f s, %d kernel startup retries%n", name, r.exitCode, seconds, retries);
        assertEquals(0, r.exitCode, () -> name + " failed (runner log " + log + "):\n" + r.tail());

        JsonNode nb = new ObjectMapper().readTree(out.toFile());
        StringBuilder stdout = new StringBuilder();
        StringBuilder stderr = new StringBuilder();
        int pngs = 0;
        List<String> problems = new ArrayList<>();
        int index = 0;
        for (JsonNode cell : nb.path("cells")) {
            index++;
            if (!"code".equals(cell.path("cell_type").asText())) {
                continue;
            }
            if (cell.path("execution_count").isNull() || cell.path("execution_count").isMissingNode()) {
                problems.add("cell " + index + " was not executed");
            }
            for (JsonNode o : cell.path("outputs")) {
                String type = o.path("output_type").asText();
                if ("error".equals(type)) {
                    problems.add("cell " + index + " error: " + o.path("ename").asText() + ": " + o.path("evalue").asText());
                } else if ("stream".equals(type)) {
                    ("stderr".equals(o.path("name").asText()) ? stderr : stdout).append(text(o.path("text")));
                } else if (o.path("data").has("image/png")) {
                    pngs++;
                }
            }
        }
        if (stderr.length() > 0) {
            System.out.println("notebook " + name + " wrote to stderr:\n" + stderr);
        }
        assertTrue(problems.isEmpty(), () -> name + ": " + problems);
        // rapaio reports a failed %dependency /resolve on stderr only; never let that pass
        assertFalse(stderr.toString().contains("Could not resolve"), () -> name + ": dependency resolution failed:\n" + stderr);
        assertTrue(stdout.toString().contains(MARKER),
                () -> name + " did not print " + MARKER + " (its last cell must print it after its checks)");
        int minPngs = nb.path("metadata").path("ead4j").path("min_png_outputs").asInt(0);
        int pngCount = pngs;
        assertTrue(pngCount >= minPngs,
                () -> name + ": " + pngCount + " image/png outputs, metadata.ead4j.min_png_outputs = " + minPngs);
    }

    /** Installs the kernelspec under integration-tests/target/jupyter once; returns the JUPYTER_PATH folder. */
    private static synchronized Path installKernelOnce() throws Exception {
        Path dir = work.getParent().resolve("jupyter");
        if (installed) {
            return dir;
        }
        if (installError != null) {
            fail(installError);
        }
        long t0 = System.nanoTime();
        // --no-build: the Maven reactor has just packaged examples/target (CLI jar + lib/)
        Result r = run(List.of("bash", root.resolve("scripts/install-jupyter-kernel.sh").toString(), "--dir", dir.toString(),
                        "--no-build"),
                root, Map.of("EAD4J_JUPYTER", JUPYTER.toString()), INSTALL_TIMEOUT_S, work.resolve("install-kernel.log"));
        System.out.printf("kernel install: exit %d in %.1f s%n", r.exitCode, (System.nanoTime() - t0) / 1e9);
        if (r.exitCode == 2) {
            skipReason = "scripts/install-jupyter-kernel.sh: a required tool is missing:\n" + r.tail();
            Assumptions.abort(skipReason);
        }
        if (r.exitCode != 0) {
            installError = "scripts/install-jupyter-kernel.sh failed with exit code " + r.exitCode + ":\n" + r.tail();
            fail(installError);
        }
        assertTrue(Files.isRegularFile(dir.resolve("kernels/ead4j-java/kernel.json")), "kernel.json not written");
        installed = true;
        return dir;
    }

    private static String text(JsonNode node) {
        if (node.isArray()) {
            StringBuilder sb = new StringBuilder();
            node.forEach(n -> sb.append(n.asText()));
            return sb.toString();
        }
        return node.asText();
    }

    /** The repository root: the nearest folder above the working directory with scripts/run-notebook.sh. */
    static Path repoRoot() {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = p; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("scripts/run-notebook.sh")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d;
            }
        }
        throw new IllegalStateException("no ead4j checkout (scripts/run-notebook.sh + pom.xml) above " + p);
    }

    /** A finished process: exit code and its combined output. */
    private record Result(int exitCode, String output) {
        String tail() {
            String[] lines = output.lines().filter(l -> !l.matches("^(Add .* to classpath|Parsing classpath: .*)$"))
                    .toArray(String[]::new);
            return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 80), lines.length));
        }
    }

    /** Runs a command with a time limit, output to {@code log}; on timeout ends it and its descendants by id. */
    private static Result run(List<String> command, Path dir, Map<String, String> env, long timeoutS, Path log)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            return new Result(124, out + "\n[timed out after " + timeoutS + " s: " + String.join(" ", command) + "]");
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
