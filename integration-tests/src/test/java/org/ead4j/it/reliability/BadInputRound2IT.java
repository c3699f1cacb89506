package org.ead4j.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ead4j.provenance.ContentHash;
import org.ead4j.provenance.ExperimentConfigs;
import org.ead4j.run.AtomicFiles;
import org.ead4j.run.RunDirectory;
import org.ead4j.samediff.io.PolicyCheckpoint;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.train.RlvrTrainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The second bad-input corpus: run records, output folders, sizes bounded before allocation and clean
 * errors, over every command. A case passes when {@code ead} (in this JVM) exits 2 within its time bound
 * with exactly one {@code error:} line that matches the case's pattern, is at most {@value #MAX_LINE}
 * characters (the test folder's path counted as 5), names no Java exception class and prints no stack
 * trace, and when every file that existed before the command is byte-identical afterwards and no file
 * was added.
 */
class BadInputRound2IT {

    static final int MAX_LINE = 300;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LEAK = Pattern.compile("\\b[A-Z]\\w*(Exception|Error)\\b"
            + "|com\\.fasterxml|reference chain|\tat |\\bat \\[Source|@[0-9a-f]{6,}");
    private static final Map<String, String[]> RESULTS = new TreeMap<>();
    static Path work;
    static Path policy;
    static Path runOk;
    static ObjectNode base;
    private static long t0;

    /** What a case runs: its arguments, built in its own folder. */
    @FunctionalInterface
    interface Args {
        String[] in(Path dir) throws Exception;
    }

    /** One bad input. */
    record Case(String id, String category, String what, Args args, String message, double seconds) {
        @Override
        public String toString() {
            return id;
        }
    }

    static Stream<Arguments> cases() {
        List<Case> all = new ArrayList<>();
        Round2Cases.records(all);
        Round2Cases.outputs(all);
        Round2Cases.sizes(all);
        Round2Cases.messages(all);
        return all.stream().map(c -> Arguments.of(c.id(), c.what(), c));
    }

    @BeforeAll
    static void setUp() throws Exception {
        t0 = System.nanoTime();
        work = ReliabilitySummary.target().resolve("reliability-it/bad-inputs-2");
        AtomicFiles.deleteTree(work);
        Files.createDirectories(work);
        base = (ObjectNode) JSON.readTree(Experiments.resource("bad-inputs.json")).get("base");
        set(base, "experiment", "checkpointEvery", 1);
        set(base, "experiment", "evalEvery", 1);
        set(base, "experiment", "evalBeforeTraining", true);
        Path cfg = config(work, "base.json", c -> { });
        RlvrTrainer t = ExperimentConfigs.load(cfg, RlvrTrainer.class);
        policy = work.resolve("policy");
        PolicyCheckpoint.save(policy, new PolicyTransformer(t.policy()), null);
        runOk = work.resolve("run-ok");
        InProcessEad.Result r = InProcessEad.run("train", "--config", cfg.toString(), "--out", runOk.toString(), "--no-plots");
        assertEquals(0, r.exitCode(), () -> "the base configuration must train:\n" + r.all());
    }

    @AfterAll
    static void summary() {
        Map<String, int[]> byCategory = new TreeMap<>();
        StringBuilder table = new StringBuilder("| case | category | input | got | message |\n| --- | --- | --- | --- | --- |\n");
        int handled = 0;
        for (Map.Entry<String, String[]> e : RESULTS.entrySet()) {
            String[] r = e.getValue();
            boolean ok = r[4].equals("ok");
            handled += ok ? 1 : 0;
            int[] c = byCategory.computeIfAbsent(r[0], k -> new int[2]);
            c[0]++;
            c[1] += ok ? 1 : 0;
            table.append("| ").append(e.getKey()).append(" | ").append(r[0]).append(" | ").append(md(r[1])).append(" | ")
                    .append(md(r[2])).append(" | ").append(md(r[3])).append(ok ? "" : " **(" + md(r[4]) + ")**")
                    .append(" |\n");
        }
        StringBuilder cats = new StringBuilder("| category | tried | handled |\n| --- | --- | --- |\n");
        byCategory.forEach((k, v) -> cats.append("| ").append(k).append(" | ").append(v[0]).append(" | ").append(v[1])
                .append(" |\n"));
        try {
            Files.writeString(ReliabilitySummary.target().resolve("reliability-bad-inputs-2.md"),
                    "# Bad-input corpus, second round: every case and its message\n\n" + cats + "\n" + table);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
        ReliabilitySummary.record("2b-bad-inputs-2", String.format("| bad inputs, second round (run records, output "
                + "folders, sizes, clean errors; every command) | %d inputs | %d handled | exit 2, one line <= %d chars "
                + "without exception names, existing files byte-identical, within the time bound | %.0f s |",
                RESULTS.size(), handled, MAX_LINE, (System.nanoTime() - t0) / 1e9),
                "## Bad inputs, second round (BadInputRound2IT)\n\n" + cats
                + "\nEvery case with its message: `integration-tests/target/reliability-bad-inputs-2.md`.\n");
    }

    private static String md(String s) {
        String one = s.strip().split("\n", 2)[0];
        return one.replace("|", "\\|");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void badInputIsRefused(String id, String what, Case c) throws Exception {
        RESULTS.put(id, new String[]{c.category(), what, "?", "", "did not finish"});
        Path dir = work.resolve("cases").resolve(id);
        Files.createDirectories(dir);
        String[] args = c.args().in(dir);
        Map<String, String> before = snapshot(work);
        AtomicReference<InProcessEad.Result> res = new AtomicReference<>();
        Assertions.assertTimeoutPreemptively(Duration.ofMillis((long) (c.seconds() * 1000)),
                () -> res.set(InProcessEad.run(args)), id + ": did not finish within " + c.seconds() + " s");
        InProcessEad.Result r = res.get();
        Map<String, String> after = snapshot(work);
        List<String> problems = new ArrayList<>();
        List<String> errorLines = r.all().lines().filter(l -> l.startsWith("error: ")).toList();
        String line = errorLines.isEmpty() ? "" : errorLines.get(0);
        String shown = line.replace(work.toString(), "<tmp>");
        RESULTS.put(id, new String[]{c.category(), what, String.format("exit %d, %.1f s", r.exitCode(), r.seconds()),
                shown, "pending"});
        if (r.exitCode() != 2) {
            problems.add("exit " + r.exitCode() + ", expected 2");
        }
        if (errorLines.size() != 1) {
            problems.add(errorLines.size() + " 'error:' lines, expected 1");
        } else {
            if (!Pattern.compile(c.message(), Pattern.DOTALL).matcher(line).find()) {
                problems.add("message does not match /" + c.message() + "/");
            }
            if (line.replace(work.toString(), "<tmp>").length() > MAX_LINE) {
                problems.add("message is " + shown.length() + " characters, more than " + MAX_LINE);
            }
        }
        if (LEAK.matcher(r.all()).find()) {
            problems.add("output names an exception class or prints a trace/dump: " + LEAK.matcher(r.all()).results()
                    .map(m -> m.group()).distinct().toList());
        }
        for (Map.Entry<String, String> e : before.entrySet()) {
            if (!e.getValue().equals(after.get(e.getKey()))) {
                problems.add((after.containsKey(e.getKey()) ? "changed: " : "deleted: ") + e.getKey());
            }
        }
        for (String k : after.keySet()) {
            if (!before.containsKey(k)) {
                problems.add("added: " + k);
            }
        }
        RESULTS.get(id)[4] = problems.isEmpty() ? "ok" : String.join("; ", problems);
        if (!problems.isEmpty()) {
            fail(id + " (" + what + "): " + problems + "\n--- output ---\n" + tail(r.all()));
        }
    }

    /** A truncated last line of steps.jsonl is reported by the resume, which then ends like the full run. */
    @org.junit.jupiter.api.Test
    void resumeReportsATruncatedLastLine() throws Exception {
        Path dir = Files.createDirectories(work.resolve("positive/truncated-line"));
        Path run = copyRun(dir);
        Path steps = run.resolve(RunDirectory.STEPS);
        // as a crash during step 2's write leaves it: step 2's line cut, checkpoint step-1 the newest
        List<String> lines = Files.readAllLines(steps);
        Files.writeString(steps, lines.get(0) + "\n" + lines.get(1).substring(0, 20));
        AtomicFiles.deleteTree(run.resolve("checkpoints/step-2"));
        InProcessEad.Result r = InProcessEad.run("train", "--resume", run.toString(), "--no-plots");
        assertEquals(0, r.exitCode(), r::all);
        assertContains(r.out(), "steps.jsonl: its last line is incomplete (20 bytes");
        assertEquals(List.of(), org.ead4j.run.RunComparison.differences(runOk.resolve(RunDirectory.STEPS), steps, 20));
    }

    /** --restart starts a run without a valid checkpoint over, keeping its old records under new names. */
    @org.junit.jupiter.api.Test
    void restartKeepsTheOldRecords() throws Exception {
        Path dir = Files.createDirectories(work.resolve("positive/restart"));
        Path run = copyRun(dir);
        Files.writeString(run.resolve("checkpoints/step-2/manifest.json"), "{}");
        Files.writeString(run.resolve("checkpoints/step-1/manifest.json"), "{}");
        String oldSteps = Files.readString(run.resolve(RunDirectory.STEPS));
        InProcessEad.Result refused = InProcessEad.run("train", "--resume", run.toString(), "--no-plots");
        assertEquals(2, refused.exitCode(), refused::all);
        InProcessEad.Result r = InProcessEad.run("train", "--resume", run.toString(), "--restart", "--no-plots");
        assertEquals(0, r.exitCode(), r::all);
        List<Path> kept;
        try (Stream<Path> s = Files.list(run)) {
            kept = s.filter(p -> p.getFileName().toString().startsWith("steps.jsonl.before-restart-")).toList();
        }
        assertEquals(1, kept.size(), () -> "expected the old steps.jsonl kept: " + r.all());
        assertEquals(oldSteps, Files.readString(kept.get(0)));
        assertEquals(2, Files.readAllLines(run.resolve(RunDirectory.STEPS)).size());
    }

    /** Responses the verifier cannot read score 0 with a reason and one summary line, not a warning per sample. */
    @org.junit.jupiter.api.Test
    void unverifiableResponsesGiveOneSummaryLine() throws Exception {
        Path dir = Files.createDirectories(work.resolve("positive/unverifiable"));
        // countdown answers must read 'n1 n2 n3>target': '20' and 'x' cannot be read for any response
        Path data = write(dir, "d.jsonl", "{\"id\":\"a\",\"prompt\":\"3 8:\",\"answer\":\"20\"}\n"
                + "{\"id\":\"b\",\"prompt\":\"3 8 4>20:\",\"answer\":\"x\"}\n");
        InProcessEad.Result r = InProcessEad.run("eval", "--checkpoint", policy.toString(), "--data", data.toString(),
                "--verifier", "countdown", "--n", "4", "--k", "1");
        assertEquals(0, r.exitCode(), r::all);
        List<String> notes = r.all().lines().filter(l -> l.contains("could not be verified")).toList();
        assertEquals(1, notes.size(), r::all);
        assertContains(notes.get(0), "8 response(s)");
        assertTrue(r.all().lines().noneMatch(l -> l.contains("WARN org.ead4j")), r::all);
        assertTrue(!LEAK.matcher(r.all().replaceAll("(?m)^.*org\\.nd4j.*$", "")).find(), r::all);
    }

    /** The launcher keeps the caller's directory, so a relative --out lands where the user is. */
    @org.junit.jupiter.api.Test
    void launcherRunsJavaInTheCallersDirectory() throws Exception {
        Path dir = Files.createDirectories(work.resolve("positive/launcher"));
        Path root = Files.createDirectories(dir.resolve("checkout"));
        Path launcher = Path.of("").toAbsolutePath().getParent().resolve("ead");
        Files.copy(launcher, root.resolve("ead"));
        Files.createDirectories(root.resolve("examples/target"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        // stand-ins: mvn "builds" nothing, java prints the directory it was started in
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\nexit 0\n");
        Files.writeString(bin.resolve("java"), "#!/bin/sh\npwd\n");
        bin.resolve("mvn").toFile().setExecutable(true);
        bin.resolve("java").toFile().setExecutable(true);
        Path caller = Files.createDirectories(dir.resolve("elsewhere"));
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("ead").toString(), "--version").directory(caller.toFile())
                .redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(caller.toRealPath().toString(), out.lines().reduce((x, y) -> y).orElse("").strip(), out);
    }

    private static String tail(String s) {
        return s.length() > 4000 ? "..." + s.substring(s.length() - 4000) : s;
    }

    /** Path (relative to root, folders marked with a trailing /) to SHA-256 of every file and folder under root. */
    static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String k = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(k, "link");
                } else if (Files.isDirectory(p)) {
                    out.put(k + "/", "dir");
                } else if (Files.size(p) < (64 << 20)) {
                    out.put(k, ContentHash.sha256(p));
                } else {
                    out.put(k, "size " + Files.size(p) + " mtime " + Files.getLastModifiedTime(p));
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- helpers for the cases

    static void set(ObjectNode cfg, String component, String property, Object value) {
        for (JsonNode n : cfg.get("config").get("components")) {
            if (n.get("name").asText().equals(component)) {
                ((ObjectNode) n.get("properties")).set(property, JSON.valueToTree(value));
                return;
            }
        }
        throw new IllegalStateException("no component " + component);
    }

    /** The base experiment with edits, written to dir/name. */
    static Path config(Path dir, String name, Consumer<ObjectNode> edit) throws Exception {
        ObjectNode c = base.deepCopy();
        edit.accept(c);
        Path f = dir.resolve(name);
        Files.write(f, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(c));
        return f;
    }

    static Path write(Path dir, String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    /** A sparse file of the given length (no disk used). */
    static Path sparse(Path dir, String name, long length) throws Exception {
        Path f = dir.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(length);
        }
        return f;
    }

    /** A copy of the valid run. */
    static Path copyRun(Path dir) throws Exception {
        return copy(runOk, dir.resolve("run"));
    }

    static Path copyPolicy(Path dir) throws Exception {
        return copy(policy, dir.resolve("policy"));
    }

    static Path copy(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return to;
    }

    static String s(Path p) {
        return p.toString();
    }

    static String[] a(Object... args) {
        String[] out = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            out[i] = String.valueOf(args[i]);
        }
        return out;
    }

    static void assertContains(String s, String part) {
        assertTrue(s.contains(part), () -> "expected '" + part + "' in:\n" + s);
    }
}
