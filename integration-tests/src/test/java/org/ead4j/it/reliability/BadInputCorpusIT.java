package org.ead4j.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ead4j.data.Problem;
import org.ead4j.provenance.ContentHash;
import org.ead4j.provenance.ExperimentConfigs;
import org.ead4j.reward.BoundedVerifier;
import org.ead4j.reward.CountdownVerifier;
import org.ead4j.reward.NumericVerifier;
import org.ead4j.reward.RewardResult;
import org.ead4j.reward.Verifier;
import org.ead4j.run.AtomicFiles;
import org.ead4j.run.CheckpointStore;
import org.ead4j.run.RunDirectory;
import org.ead4j.samediff.io.PolicyCheckpoint;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.train.RlvrTrainer;
import org.ead4j.train.TrainingSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus ({@code bad-inputs.json} in this package's resources): configuration files,
 * datasets, checkpoints, command-line arguments and verifier inputs, each with its expected outcome.
 * A case passes when {@code ead} exits with the expected code (2) within the time bound and prints an
 * {@code error:} line matching the case's regular expression (so the message names the problem) and no
 * stack trace; a verifier case must score 0 with one of the allowed reasons and a detail. Cases run
 * {@code ead} in this JVM ({@link InProcessEad}); those marked {@code jvm} run the real launcher in a
 * child JVM to prove the process exit code.
 */
class BadInputCorpusIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double DEFAULT_SECONDS = 30;
    private static JsonNode corpus;
    private static Path work;
    private static Path policy;
    private static Path runOk;
    private static Path aFile;
    private static final Map<String, String[]> RESULTS = new TreeMap<>();
    private static long t0;

    static Stream<Arguments> cases() throws Exception {
        JsonNode c = JSON.readTree(Experiments.resource("bad-inputs.json"));
        List<Arguments> out = new ArrayList<>();
        for (JsonNode n : c.get("cases")) {
            out.add(Arguments.of(n.get("id").asText(), n.get("what").asText(), n));
        }
        return out.stream();
    }

    @BeforeAll
    static void setUp() throws Exception {
        t0 = System.nanoTime();
        corpus = JSON.readTree(Experiments.resource("bad-inputs.json"));
        work = ReliabilitySummary.target().resolve("reliability-it/bad-inputs");
        AtomicFiles.deleteTree(work);
        Files.createDirectories(work);
        aFile = Files.writeString(work.resolve("a-file.txt"), "not a folder\n");
        Path base = writeConfig(corpus.get("base").deepCopy(), work.resolve("base.json"));
        RlvrTrainer t = ExperimentConfigs.load(base, RlvrTrainer.class);
        policy = work.resolve("policy");
        PolicyCheckpoint.save(policy, new PolicyTransformer(t.policy()), null);
        runOk = work.resolve("run-ok");
        InProcessEad.Result r = InProcessEad.run("train", "--config", base.toString(), "--out", runOk.toString(), "--no-plots");
        assertEquals(0, r.exitCode(), () -> "the base configuration must train:\n" + r.all());
    }

    @AfterAll
    static void summary() {
        Map<String, int[]> byCategory = new TreeMap<>();
        StringBuilder table = new StringBuilder("| case | category | input | expected | got | message (first line) |\n"
                + "| --- | --- | --- | --- | --- | --- |\n");
        int handled = 0;
        for (Map.Entry<String, String[]> e : RESULTS.entrySet()) {
            String[] r = e.getValue();
            boolean ok = r[5].equals("ok");
            handled += ok ? 1 : 0;
            int[] c = byCategory.computeIfAbsent(r[0], k -> new int[2]);
            c[0]++;
            c[1] += ok ? 1 : 0;
            table.append("| ").append(e.getKey()).append(" | ").append(r[0]).append(" | ").append(md(r[1])).append(" | ")
                    .append(md(r[2])).append(" | ").append(md(r[3])).append(" | ").append(md(r[4]))
                    .append(ok ? "" : " **(" + md(r[5]) + ")**").append(" |\n");
        }
        StringBuilder cats = new StringBuilder("| category | tried | handled |\n| --- | --- | --- |\n");
        byCategory.forEach((k, v) -> cats.append("| ").append(k).append(" | ").append(v[0]).append(" | ").append(v[1])
                .append(" |\n"));
        try {
            Files.writeString(ReliabilitySummary.target().resolve("reliability-bad-inputs.md"),
                    "# Bad-input corpus: every case and the message it got\n\n" + table, StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
        ReliabilitySummary.record("2-bad-inputs", String.format("| bad-input corpus (configs, datasets, checkpoints, "
                + "CLI, verifier inputs) | %d inputs | %d handled | exit 2 + message naming the problem (or reward 0 "
                + "with a reason), no stack trace, within the time bound | %.0f s |", RESULTS.size(), handled,
                (System.nanoTime() - t0) / 1e9), "## Bad inputs (BadInputCorpusIT)\n\n" + cats
                + "\nEvery case with its message: `integration-tests/target/reliability-bad-inputs.md`.\n");
    }

    private static String md(String s) {
        String one = s.strip().split("\n", 2)[0];
        one = one.replace(ReliabilitySummary.target().resolve("reliability-it/bad-inputs").toString() + "/", "");
        if (one.length() > 400) {
            one = one.substring(0, 397) + "...";
        }
        StringBuilder sb = new StringBuilder();
        one.codePoints().forEach(cp -> sb.append(Character.isISOControl(cp) || (cp >= 0xD800 && cp <= 0xDFFF)
                ? String.format("\\u%04x", cp) : new String(Character.toChars(cp))));
        return sb.toString().replace("|", "\\|");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void badInputIsHandled(String id, String what, JsonNode c) throws Exception {
        String category = c.get("category").asText();
        RESULTS.put(id, new String[]{category, what, expected(c), "?", "", "did not finish"});
        if (category.equals("verifier")) {
            verifierCase(id, what, c);
            return;
        }
        Path dir = work.resolve(id);
        Files.createDirectories(dir);
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("tmp", dir.toString());
        vars.put("run", dir.resolve("run").toString());
        vars.put("policy", policy.toString());
        vars.put("file", aFile.toString());
        vars.put("rundir", runOk.toString());
        if (c.has("checkpoint")) {
            prepareCheckpoint(c.get("checkpoint").asText(), dir, vars);
        }
        if (c.has("data") && !c.get("data").has("none")) {
            vars.put("data", writeData(c.get("data"), dir.resolve("data.jsonl")).toString());
        }
        if (c.has("config")) {
            vars.put("config", makeConfig(c.get("config"), dir, vars).toString());
        }
        List<String> args = new ArrayList<>();
        for (JsonNode a : c.get("args")) {
            args.add(substitute(a.asText(), vars));
        }
        JsonNode expect = c.get("expect");
        double seconds = expect.path("seconds").asDouble(DEFAULT_SECONDS);
        int exit;
        String out;
        String err;
        double took;
        if (c.path("jvm").asBoolean()) {
            ChildJvm.Result r = ChildJvm.run(ChildJvm.command(List.of(), args), dir.resolve("child.log"), (long) seconds + 30);
            assertTrue(!r.timedOut(), id + ": hung");
            exit = r.exitCode();
            out = "";
            err = r.output();
            took = r.seconds() - 0; // includes JVM start-up
            seconds += 30;          // allow for the JVM and ND4J start-up
        } else {
            AtomicReference<InProcessEad.Result> res = new AtomicReference<>();
            Assertions.assertTimeoutPreemptively(Duration.ofMillis((long) (seconds * 1000) + 5000),
                    () -> res.set(InProcessEad.run(args.toArray(new String[0]))), id + ": hung");
            exit = res.get().exitCode();
            out = res.get().out();
            err = res.get().err();
            took = res.get().seconds();
        }
        String errorLine = firstErrorLine(out + "\n" + err);
        RESULTS.put(id, new String[]{category, what, expected(c), "exit " + exit + String.format(", %.1f s", took),
                errorLine.isEmpty() ? (out + err).strip() : errorLine, "pending"});
        Pattern p = Pattern.compile(expect.get("message").asText(), Pattern.DOTALL);
        List<String> problems = new ArrayList<>();
        if (exit != expect.get("exit").asInt()) {
            problems.add("exit " + exit + ", expected " + expect.get("exit").asInt());
        }
        if (errorLine.isEmpty()) {
            problems.add("no 'error:' line");
        } else if (!p.matcher(errorLine).find()) {
            problems.add("message does not match /" + p + "/");
        }
        String all = out + err;
        if (all.contains("\tat ") || all.contains("internal error") || all.contains("Exception in thread")) {
            problems.add("stack trace printed");
        }
        if (took > seconds) {
            problems.add(String.format("took %.1f s > %.0f s", took, seconds));
        }
        RESULTS.get(id)[5] = problems.isEmpty() ? "ok" : String.join("; ", problems);
        if (!problems.isEmpty()) {
            fail(id + " (" + what + "): " + problems + "\n--- output ---\n" + tail(all));
        }
    }

    private static String tail(String s) {
        return s.length() > 4000 ? "..." + s.substring(s.length() - 4000) : s;
    }

    private static String expected(JsonNode c) {
        JsonNode e = c.get("expect");
        return e.has("exit") ? "exit " + e.get("exit").asInt() + ", /" + e.get("message").asText() + "/"
                : "score 0, " + e.get("reasons") + ", /" + e.get("detail").asText() + "/";
    }

    /** The first line starting with "error:" (the CLI's user-error line), or "". */
    private static String firstErrorLine(String output) {
        for (String line : output.split("\n")) {
            if (line.startsWith("error: ")) {
                return line;
            }
        }
        return "";
    }

    // ---------------------------------------------------------------- verifier inputs

    private void verifierCase(String id, String what, JsonNode c) {
        Verifier v = switch (c.get("verifier").asText()) {
            case "countdown" -> new CountdownVerifier();
            case "numeric" -> new NumericVerifier();
            default -> throw new IllegalArgumentException("unknown verifier in the corpus: " + c.get("verifier"));
        };
        String answer = c.get("answer").asText();
        Problem problem = new Problem(id, answer + ":", answer, "corpus");
        String response = response(c.get("response"));
        JsonNode expect = c.get("expect");
        long t = System.nanoTime();
        RewardResult r;
        try (BoundedVerifier bounded = new BoundedVerifier(v, 2000, 1)) {
            r = bounded.verify(problem, response);
        }
        double took = (System.nanoTime() - t) / 1e9;
        List<String> reasons = new ArrayList<>();
        expect.get("reasons").forEach(n -> reasons.add(n.asText()));
        List<String> problems = new ArrayList<>();
        if (r.score() != expect.get("score").asDouble()) {
            problems.add("score " + r.score());
        }
        if (!reasons.contains(r.reason().name())) {
            problems.add("reason " + r.reason() + " not in " + reasons);
        }
        if (r.detail().isBlank() || !Pattern.compile(expect.get("detail").asText()).matcher(r.detail()).find()) {
            problems.add("detail '" + r.detail() + "' does not match /" + expect.get("detail").asText() + "/");
        }
        if (took > expect.path("seconds").asDouble(5)) {
            problems.add(String.format("took %.2f s", took));
        }
        RESULTS.put(id, new String[]{"verifier", what, expected(c), String.format("score %s, %s, %.2f s", r.score(),
                r.reason(), took), r.detail(), problems.isEmpty() ? "ok" : String.join("; ", problems)});
        if (!problems.isEmpty()) {
            fail(id + " (" + what + "): " + problems);
        }
    }

    private static String response(JsonNode r) {
        if (r.isTextual()) {
            return r.asText();
        }
        if (r.has("repeat")) {
            return r.get("repeat").asText().repeat(r.get("times").asInt());
        }
        return r.get("prefix").asText() + r.get("body").asText() + r.get("suffix").asText();
    }

    // ---------------------------------------------------------------- files

    private static String substitute(String s, Map<String, String> vars) {
        for (Map.Entry<String, String> e : vars.entrySet()) {
            s = s.replace("${" + e.getKey() + "}", e.getValue());
        }
        if (s.contains("${")) {
            throw new IllegalStateException("corpus placeholder not provided for this case: " + s);
        }
        return s;
    }

    private static Path writeConfig(JsonNode tree, Path file) throws Exception {
        Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree));
        return file;
    }

    private static ObjectNode component(ObjectNode cfg, String name) {
        for (JsonNode n : cfg.get("config").get("components")) {
            if (n.get("name").asText().equals(name)) {
                return (ObjectNode) n;
            }
        }
        throw new IllegalStateException("the corpus base has no component " + name);
    }

    /** A configuration: raw text, a generated file, or the base with edits (set, remove, type, add, components). */
    private static Path makeConfig(JsonNode spec, Path dir, Map<String, String> vars) throws Exception {
        Path file = dir.resolve("config." + spec.path("ext").asText("json"));
        if (spec.has("raw")) {
            Files.writeString(file, spec.get("raw").asText(), StandardCharsets.UTF_8);
            return file;
        }
        if (spec.has("rawBase64")) {
            Files.write(file, Base64.getDecoder().decode(spec.get("rawBase64").asText()));
            return file;
        }
        if (spec.has("generate")) {
            String g = spec.get("generate").asText();
            switch (g) {
                case "deepJson" -> Files.writeString(file, "{\"config\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}");
                case "hugeNumber" -> Files.writeString(file, JSON.writeValueAsString(corpus.get("base"))
                        .replace("\"seed\":5", "\"seed\":" + "9".repeat(100_000)));
                default -> throw new IllegalStateException("unknown config generator " + g);
            }
            return file;
        }
        ObjectNode cfg = corpus.get("base").deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("set").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String[] k = e.getKey().split("\\.", 2);
            JsonNode v = e.getValue().isTextual() ? TextNode.valueOf(substitute(e.getValue().asText(), vars)) : e.getValue();
            ((ObjectNode) component(cfg, k[0]).get("properties")).set(k[1], v);
        }
        for (JsonNode r : spec.path("remove")) {
            String[] k = r.asText().split("\\.", 2);
            ((ObjectNode) component(cfg, k[0]).get("properties")).remove(k[1]);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("type").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            component(cfg, e.getKey()).put("type", e.getValue().asText());
        }
        for (JsonNode a : spec.path("add")) {
            ((ArrayNode) cfg.get("config").get("components")).add(a);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("components").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ObjectNode c = component(cfg, e.getKey());
            c.put("type", e.getValue().get("type").asText());
            ObjectNode props = JSON.createObjectNode();
            e.getValue().get("properties").fields().forEachRemaining(p -> props.put(p.getKey(),
                    p.getValue().isTextual() ? substitute(p.getValue().asText(), vars) : p.getValue().asText()));
            c.set("properties", props);
        }
        return writeConfig(cfg, file);
    }

    private static Path writeData(JsonNode spec, Path file) throws Exception {
        if (spec.has("lines")) {
            StringBuilder sb = new StringBuilder();
            spec.get("lines").forEach(l -> sb.append(l.asText()).append('\n'));
            Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        } else if (spec.has("raw")) {
            Files.writeString(file, spec.get("raw").asText(), StandardCharsets.UTF_8);
        } else {
            String g = spec.get("generate").asText();
            switch (g) {
                case "invalidUtf8" -> {
                    byte[] ok = "{\"id\": \"a\", \"prompt\": \"3 8 4>20:\", \"answer\": \"20\"}\n".getBytes(StandardCharsets.UTF_8);
                    byte[] bad = "{\"id\": \"b\", \"prompt\": \"3 8 \u00ff>20:\", \"answer\": \"20\"}\n".getBytes(StandardCharsets.ISO_8859_1);
                    byte[] all = new byte[ok.length + bad.length];
                    System.arraycopy(ok, 0, all, 0, ok.length);
                    System.arraycopy(bad, 0, all, ok.length, bad.length);
                    Files.write(file, all);
                }
                case "hugeLine" -> Files.writeString(file, "{\"id\": \"huge\", \"prompt\": \"" + "1".repeat(2 << 20)
                        + "\", \"answer\": \"20\"}\n", StandardCharsets.UTF_8);
                default -> throw new IllegalStateException("unknown data generator " + g);
            }
        }
        return file;
    }

    /** Makes ${checkpoint} (a damaged copy of the valid policy checkpoint) or a damaged run (${rundir}). */
    private static void prepareCheckpoint(String mutation, Path dir, Map<String, String> vars) throws Exception {
        Path ck = dir.resolve("checkpoint");
        vars.put("checkpoint", ck.toString());
        String[] m = mutation.split(":", 3);
        switch (m[0]) {
            case "none" -> copyTree(policy, ck);
            case "missing" -> { }
            case "empty" -> Files.createDirectories(ck);
            case "file" -> Files.writeString(ck, "not a checkpoint\n");
            case "run-ok" -> { }
            case "run-corrupt" -> {
                Path run = dir.resolve("run");
                copyTree(runOk, run);
                for (Path step : new CheckpointStore(run.resolve(RunDirectory.CHECKPOINTS), 3).list()) {
                    flipByte(step.resolve(TrainingSession.POLICY_DIR).resolve(PolicyCheckpoint.WEIGHTS_FILE));
                }
                vars.put("rundir", run.toString());
            }
            case "other-config" -> {
                Properties p = new Properties();
                p.load(Files.newBufferedReader(policy.resolve(PolicyCheckpoint.POLICY_FILE)));
                Map<String, String> props = new LinkedHashMap<>();
                p.stringPropertyNames().forEach(k -> props.put(k, p.getProperty(k)));
                props.put("dModel", "32");
                props.put("ffnWidth", "64");
                PolicyCheckpoint.save(ck, new PolicyTransformer(PolicyConfig.fromProperties(props)), null);
            }
            default -> {
                copyTree(policy, ck);
                Path f = ck.resolve(m[1]);
                switch (m[0]) {
                    case "truncate" -> {
                        byte[] b = Files.readAllBytes(f);
                        Files.write(f, java.util.Arrays.copyOf(b, b.length / 2));
                    }
                    case "flip" -> flipByte(f);
                    case "delete" -> Files.delete(f);
                    case "replace" -> Files.writeString(f, m[2]);
                    case "resign" -> {
                        String[] kv = m[2].split("=", 2);
                        List<String> lines = new ArrayList<>();
                        for (String l : Files.readAllLines(f)) {
                            lines.add(l.startsWith(kv[0] + "=") ? kv[0] + "=" + kv[1] : l);
                        }
                        Files.write(f, lines);
                        resign(ck, m[1]);
                    }
                    case "resign-bytes" -> {
                        String[] at = m[2].split(":");
                        byte[] b = Files.readAllBytes(f);
                        b[Integer.parseInt(at[0])] = (byte) Integer.parseInt(at[1]);
                        Files.write(f, b);
                        resign(ck, m[1]);
                    }
                    case "resign-hugedims" -> {
                        rewriteFirstShape(f, "1000000000000");
                        resign(ck, m[1]);
                    }
                    case "resign-overflowdims" -> {
                        rewriteFirstShape(f, (1L << 62) + ",4"); // 2^62 x 4 x ... wraps a long to 0
                        resign(ck, m[1]);
                    }
                    default -> throw new IllegalStateException("unknown checkpoint mutation " + mutation);
                }
            }
        }
    }

    /**
     * Replaces the first dimension of the first tensor's shape in a safetensors header (u64 little-endian length,
     * then JSON), keeping the rest of the file byte-identical.
     */
    private static void rewriteFirstShape(Path f, String firstDims) throws Exception {
        byte[] b = Files.readAllBytes(f);
        int n = (int) ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(b, 8, n, java.nio.charset.StandardCharsets.UTF_8);
        String edited = header.replaceFirst("\"shape\"\\s*:\\s*\\[\\s*\\d+", "\"shape\":[" + firstDims);
        byte[] h = edited.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + b.length - 8 - n).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(b, 8 + n, b.length - 8 - n);
        Files.write(f, out.array());
    }

    /** Rewrites the manifest's size and SHA-256 of a file, as a careful attacker would. */
    private static void resign(Path ck, String name) throws Exception {
        Path manifest = ck.resolve(PolicyCheckpoint.MANIFEST);
        List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(manifest)) {
            if (l.startsWith("file." + name + ".sha256=")) {
                l = "file." + name + ".sha256=" + ContentHash.sha256(ck.resolve(name));
            } else if (l.startsWith("file." + name + ".bytes=")) {
                l = "file." + name + ".bytes=" + Files.size(ck.resolve(name));
            }
            lines.add(l);
        }
        Files.write(manifest, lines);
    }

    private static void flipByte(Path f) throws Exception {
        byte[] b = Files.readAllBytes(f);
        b[b.length / 2] ^= 0x40;
        Files.write(f, b);
    }

    private static void copyTree(Path from, Path to) throws Exception {
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
    }
}
