package org.ead4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ead4j.provenance.ProvenanceDiff;
import org.ead4j.run.JsonlLog;
import org.ead4j.run.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainGrpoEadExampleTest {

    @Test
    void trainsWithGrpoAndEadAndPrintsTheEvaluationTable(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Path run = dir.resolve("run");
        TrainGrpoEadExample.Summary s = TrainGrpoEadExample.run(run, 40, 2, 8,
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String text = buf.toString(StandardCharsets.UTF_8);

        assertEquals(2, s.result().completedSteps());
        assertEquals(List.of(0L, 2L), s.evals().stream().map(e -> e.get("step").asLong()).toList());
        for (ObjectNode e : s.evals()) {
            double mean = e.get("eval/mean@16").asDouble();
            double pass16 = e.get("eval/pass@16").asDouble();
            assertTrue(mean >= 0 && mean <= pass16 && pass16 <= 1, e.toString());
            assertTrue(Double.isFinite(e.get("eval/entropy").asDouble()) && e.get("eval/entropy").asDouble() > 0);
        }
        assertTrue(text.contains("warm start (step 0)") && text.contains("GRPO + EAD (step 2)"), text);
        assertTrue(text.contains("final weights sha256 " + s.result().weightsSha256()), text);

        // the rollouts were sampled with EAD: tau above 1 early in a response and below 1 later
        List<ObjectNode> steps = JsonlLog.read(run.resolve(RunDirectory.STEPS));
        assertEquals(2, steps.size());
        for (ObjectNode st : steps) {
            assertTrue(st.get("rollout/tau_max").asDouble() > 1 && st.get("rollout/tau_min").asDouble() < 1, st.toString());
            assertTrue(Double.isFinite(st.get("reward/mean").asDouble()));
            assertTrue(st.get("actor/updates").asInt() >= 1);
        }
        // the provenance records the components the user chose
        Map<String, String> flat = ProvenanceDiff.flatten(RunDirectory.open(run).readProvenance());
        assertEquals("org.ead4j.loss.PpoClipLoss", flat.get("trainer.loss.class-name"));
        assertEquals("0.28", flat.get("trainer.loss.clipRatioHigh"));
        assertEquals("org.ead4j.advantage.GrpoAdvantage", flat.get("trainer.advantage.class-name"));
        assertEquals("16.0", flat.get("trainer.schedule.d0"));
        assertEquals("40", flat.get("trainer.warmStart.steps"));
        assertTrue(Files.isDirectory(run.resolve("checkpoints/step-2/policy")));
    }
}
