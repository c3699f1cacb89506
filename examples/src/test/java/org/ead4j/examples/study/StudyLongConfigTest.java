package org.ead4j.examples.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ead4j.data.Problem;
import org.ead4j.eval.Evaluation;
import org.ead4j.provenance.ExperimentConfigs;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.ead4j.samediff.schedule.ReverseAnnealing;
import org.ead4j.task.CountdownStepsTask;
import org.ead4j.tokenizer.CharTokenizer;
import org.ead4j.train.RlvrTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/configs/study-long.json: the study command loads it (without running it), it is the
 * preset, and it has what docs/study-long-plan.md promises (arms, DAPO only, seeds, steps,
 * evaluation, an EAD schedule scaled to the task's responses, a warm start, sequences that fit).
 */
class StudyLongConfigTest {

    private static final Path FILE = Path.of("configs", "study-long.json");

    @TempDir
    Path tmp;

    private static StudyConfig loaded;

    /** @return the file loaded as the study command loads it, once for the tests that only read it */
    private static synchronized StudyConfig config() throws IOException {
        if (loaded == null) {
            loaded = ExperimentConfigs.load(FILE, StudyConfig.class);
        }
        return loaded;
    }

    @Test
    void theFileIsThePreset() throws IOException {
        Path a = tmp.resolve("loaded.json");
        Path b = tmp.resolve("preset.json");
        ExperimentConfigs.writeConfig(config(), a); // loaded as `ead study --config` loads it
        ExperimentConfigs.writeConfig(StudyLongPreset.study(), b);
        assertEquals(Files.readString(b), Files.readString(a),
                "study-long.json differs from StudyLongPreset.study(): regenerate it with ExperimentConfigs.writeConfig");
    }

    @Test
    void theGridIsThePreRegisteredOne() throws IOException {
        StudyConfig cfg = config();
        assertEquals(List.of("EAD", "EAD+TIS", "tau=0.6", "tau=1.0", "tau=1.2", "RevEAD"),
                cfg.methods().stream().map(StudyArm::label).toList());
        assertEquals(List.of("DAPO"), cfg.losses().stream().map(StudyLoss::label).toList());
        assertEquals("DapoLoss", cfg.losses().get(0).loss().getClass().getSimpleName());
        assertEquals(List.of("EAD", "EAD+TIS"), cfg.references());
        assertTrue(cfg.seeds().length >= 5, "seeds " + cfg.seeds().length);
        assertTrue(cfg.methods().get(1).importanceSampling() != null, "EAD+TIS has TIS");
        assertTrue(cfg.methods().get(5).schedule() instanceof ReverseAnnealing);
        RlvrTrainer t = cfg.trainer();
        assertTrue(t.steps() >= 150, "steps " + t.steps());
        Evaluation e = t.evaluation();
        assertEquals(16, e.samples());
        assertTrue(e.maxPrompts() >= 128 && t.task().eval().size() >= e.maxPrompts(), "eval prompts");
        assertTrue(t.task() instanceof CountdownStepsTask);
        assertEquals(1.0, e.schedule().temperature(5, 0), 0.0, "evaluation at tau = 1");
        // fields without accessors, read from the file itself
        Map<String, JsonNode> byName = components();
        JsonNode trainer = byName.get("trainer").get("properties");
        assertEquals("10", trainer.get("evalEvery").asText());
        assertEquals("true", trainer.get("evalBeforeTraining").asText());
        assertEquals("org.ead4j.train.SupervisedWarmStart", byName.get("warmStart").get("type").asText());
        assertTrue(cfg.warmStart().steps() >= 1000, "warm start steps " + cfg.warmStart().steps());
        // 36 main runs + 6 ablation runs; their ids (StudyPlan.runs itself copies the trainer per run, which
        // regenerates the 50000 puzzles each time: seconds per copy, so it is not called here)
        assertEquals(36, cfg.methods().size() * cfg.losses().size() * cfg.seeds().length);
        assertEquals("ead__dapo__s1", StudyPlan.runId(cfg.methods().get(0).label(), "DAPO", 1));
        assertEquals("released-code-k-20-c-10__dapo__s6", StudyPlan.runId(cfg.ablations().get(0).label(), "DAPO", 6));
        assertEquals(List.of("EAD"), cfg.inferenceRuns());
    }

    /** tau crosses 1 at about a quarter of the typical response and reaches tau_min near its end, at step 0. */
    @Test
    void theEadScheduleIsScaledToTheResponseLength() throws IOException {
        StudyConfig cfg = config();
        CountdownStepsTask task = (CountdownStepsTask) cfg.trainer().task();
        double meanLength = task.train().stream().limit(2000).mapToInt(p -> p.referenceSolution().length())
                .average().orElseThrow();
        ExploratoryAnnealing ead = (ExploratoryAnnealing) cfg.methods().get(0).schedule();
        Map<String, Double> p0 = ead.stepParameters(0);
        double below1 = p0.get("t_tau_below_1");
        double atMin = p0.get("t_tau_min");
        assertTrue(Math.abs(below1 - meanLength / 4) < 2, "tau crosses 1 at " + below1 + ", mean length " + meanLength);
        assertTrue(Math.abs(atMin - meanLength) < 3, "tau_min from " + atMin + ", mean length " + meanLength);
        assertTrue(ead.temperature(0, 0) == 1.0 && ead.temperature(5, 0) > 1.0 && ead.temperature(30, 0) < 0.8);
        // the hot prefix grows with the step: at the last step tau >= 1 for longer
        assertTrue(ead.stepParameters(cfg.trainer().steps()).get("t_tau_below_1") > below1 + 4);
        // the released-code ablation keeps the whole response hot (no annealing within 53 tokens)
        ExploratoryAnnealing released = (ExploratoryAnnealing) cfg.ablations().get(0).schedule();
        assertTrue(released.temperature(53, 0) > 1.0, "released-code tau at 53: " + released.temperature(53, 0));
        System.out.printf("mean reference length %.1f; EAD at step 0: tau < 1 from %.1f, tau_min from %.1f; "
                + "at step %d: %.1f, %.1f%n", meanLength, below1, atMin, cfg.trainer().steps(),
                ead.stepParameters(cfg.trainer().steps()).get("t_tau_below_1"),
                ead.stepParameters(cfg.trainer().steps()).get("t_tau_min"));
    }

    /** BOS + prompt + the longest response fits the context, and every reference fits the response budget. */
    @Test
    void sequencesFitThePolicy() throws IOException {
        StudyConfig cfg = config();
        RlvrTrainer t = cfg.trainer();
        CharTokenizer tok = new CharTokenizer();
        int longestPrompt = 0;
        int longestReference = 0;
        for (Problem p : t.task().eval()) {
            longestPrompt = Math.max(longestPrompt, tok.encode(p.prompt()).length);
            longestReference = Math.max(longestReference, tok.encode(p.referenceSolution()).length);
        }
        for (Problem p : t.task().train()) {
            longestPrompt = Math.max(longestPrompt, tok.encode(p.prompt()).length);
            longestReference = Math.max(longestReference, tok.encode(p.referenceSolution()).length);
        }
        assertTrue(1 + longestPrompt + t.maxResponseTokens() <= t.policy().maxSeqLen(),
                "prompt " + longestPrompt + " + response " + t.maxResponseTokens() + " > " + t.policy().maxSeqLen());
        assertTrue(longestReference + 1 <= t.maxResponseTokens(), "reference " + longestReference + " + EOS");
        assertEquals(tok.vocabSize(), t.policy().vocabSize());
    }

    private static Map<String, JsonNode> components() throws IOException {
        JsonNode root = new ObjectMapper().readTree(FILE.toFile());
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode c : root.get("config").get("components")) {
            byName.put(c.get("name").asText(), c);
        }
        return byName;
    }
}
