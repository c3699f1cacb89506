package org.ead4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MetricsCommandTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = EadCommand.commandLine(new EadCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** Prompt "a" (math): 1 of 4 correct, answers 7,3,3,9 with 7 correct; prompt "b" (countdown): 3 of 4 by reward. */
    private Path rollouts() throws Exception {
        List<String> lines = new ArrayList<>();
        String[] answers = {"7", "3", "3", "9"};
        for (int i = 0; i < 4; i++) {
            lines.add("{\"prompt_id\":\"a\",\"correct\":" + (i == 0) + ",\"answer\":\"" + answers[i] + "\",\"data_source\":\"math\"}");
        }
        for (int i = 0; i < 4; i++) {
            lines.add("{\"prompt_id\":\"b\",\"reward\":" + (i < 3 ? 1.0 : 0.0) + ",\"answer\":\"20\",\"data_source\":\"countdown\"}");
        }
        Path f = dir.resolve("rollouts.jsonl");
        Files.write(f, lines);
        return f;
    }

    @Test
    void jsonHasEveryMetricOverallAndPerSource() throws Exception {
        Run r = run("metrics", "--rollouts", rollouts().toString(), "--k", "4,1,2", "--json");
        assertEquals(0, r.exit, r.err);
        JsonNode root = new ObjectMapper().readTree(r.out);
        assertEquals("[1,2,4]", root.get("k").toString());
        assertEquals(64, root.get("sha256").asText().length());
        JsonNode m = root.get("metrics");
        assertEquals(2, m.get("prompts").asInt());
        assertTrue(m.get("prompts").isIntegralNumber());
        assertEquals(8, m.get("responses").asInt());
        assertEquals((0.5 + 1.0) / 2, m.get("pass@2").asDouble(), 1e-12); // golden n=4 c=1 k=2 -> 0.5; n=4 c=3 -> 1
        assertEquals(0.5, m.get("source/math/pass@2").asDouble(), 1e-12);
        assertEquals(1.0, m.get("source/math/pass@4").asDouble(), 1e-12);
        assertEquals(0.0, m.get("source/math/pass^2").asDouble(), 1e-12);
        assertEquals(0.25, m.get("source/countdown/pass^4").asDouble() + 0.25, 1e-12); // C(3,4) = 0
        assertEquals(0.5, m.get("source/countdown/pass^2").asDouble(), 1e-12);      // C(3,2)/C(4,2)
        assertEquals(0.0, m.get("source/math/maj@4").asDouble(), 1e-12, "3 has two votes, and it is wrong");
        assertEquals(1.0, m.get("source/countdown/maj@4").asDouble(), 1e-12, "first '20' is correct");
        for (String key : List.of("mean", "std", "best@4", "worst@4", "mean@4", "maj@1", "best@4/bootstrap",
                "best@4/bootstrap_std", "worst@4/bootstrap", "maj@4/bootstrap", "source/countdown/best@4/bootstrap")) {
            assertTrue(m.has(key), "missing " + key);
        }
        double best4 = m.get("source/math/best@4/bootstrap").asDouble();
        assertTrue(Math.abs(best4 - 0.683594) < 0.08, "bootstrap best@4 of 1/4 correct: " + best4);
        // deterministic: the same command gives the same bytes
        assertEquals(r.out, run("metrics", "--rollouts", rollouts().toString(), "--k", "1,2,4", "--json").out);
    }

    @Test
    void tableListsMetricsPerK() throws Exception {
        Run r = run("metrics", "--rollouts", rollouts().toString(), "--k", "1,4");
        assertEquals(0, r.exit, r.err);
        assertTrue(r.out.contains("overall: 2 prompts, 8 responses"), r.out);
        assertTrue(r.out.contains("source/math: 1 prompts, 4 responses"), r.out);
        assertTrue(r.out.matches("(?s).*\\n  pass@k +0\\.500000 +1\\.000000\\n.*"), r.out);
        assertTrue(r.out.contains("best@k/bootstrap"), r.out);
    }

    @Test
    void badInputExitsTwoNamingFileAndLine() throws Exception {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, "{\"prompt_id\":\"a\",\"reward\":1}\n{\"prompt_id\":\"a\",\"reward\":\n");
        Run r = run("metrics", "--rollouts", f.toString(), "--k", "1");
        assertEquals(2, r.exit);
        assertTrue(r.err.contains("bad.jsonl:2: malformed JSON"), r.err);

        Run missing = run("metrics", "--rollouts", dir.resolve("none.jsonl").toString());
        assertEquals(2, missing.exit);
        assertTrue(missing.err.contains("no such file"), missing.err);

        Run badK = run("metrics", "--rollouts", rollouts().toString(), "--k", "0,2");
        assertEquals(2, badK.exit);
        assertTrue(badK.err.contains("--k 0 is invalid"), badK.err);

        Run notInt = run("metrics", "--rollouts", rollouts().toString(), "--k", "two");
        assertEquals(2, notInt.exit);
    }

    @Test
    void kAboveTheSamplesFailsUnlessSkipped() throws Exception {
        Run r = run("metrics", "--rollouts", rollouts().toString(), "--k", "1,8");
        assertEquals(2, r.exit);
        assertTrue(r.err.contains("prompt 'a' has 4 samples, fewer than k = 8"), r.err);
        Run skipped = run("metrics", "--rollouts", rollouts().toString(), "--k", "1,8", "--skip-small", "--json");
        assertEquals(0, skipped.exit, skipped.err);
        JsonNode m = new ObjectMapper().readTree(skipped.out).get("metrics");
        assertEquals(0, m.get("prompts@8").asInt());
        assertEquals(2, m.get("prompts@1").asInt());
        assertTrue(!m.has("pass@8"));
    }
}
