package org.ead4j.examples.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ead4j.data.Problem;
import org.ead4j.eval.Evaluation;
import org.ead4j.examples.quickstart.QuickstartExperiment;
import org.ead4j.loss.DapoLoss;
import org.ead4j.offpolicy.TruncatedImportanceSampling;
import org.ead4j.provenance.ExperimentConfigs;
import org.ead4j.reward.CountdownVerifier;
import org.ead4j.run.JsonlLog;
import org.ead4j.run.RunDirectory;
import org.ead4j.samediff.ops.loss.ImportanceSamplingLevel;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PositionKind;
import org.ead4j.samediff.schedule.ConstantTemperature;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.ead4j.task.CountdownTask;
import org.ead4j.task.JsonlTask;
import org.ead4j.tokenizer.CharTokenizer;
import org.ead4j.train.RlvrTrainer;
import org.ead4j.train.SupervisedWarmStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole study at tiny sizes on a JSONL task (Countdown puzzles written as JSONL): warm start, a
 * 2 x 1 x 2 grid (EAD+TIS vs tau = 1), one ablation, the inference-time comparison, the report; then
 * the numbers in study.json are recomputed from the runs' own logs, a resume reuses every run, and
 * one run trained in a child JVM gives the same weights as in-process.
 */
class StudyMicroGridTest {

    @TempDir
    Path tmp;

    @Test
    void tinyStudyEndToEnd() throws Exception {
        StudyConfig cfg = tinyStudy(tmp);
        Path dir = tmp.resolve("study");
        StringWriter log = new StringWriter();
        StudyAnalysis a = StudyRunner.run(cfg, dir, new StudyRunner.Options(1, true, true, false, "512m"),
                new PrintWriter(log, true));

        // every run has its own provenance and logs; every RL run started from the warm start's weights
        String warmSha = RunDirectory.open(dir.resolve(StudyPlan.WARM_START_ID)).readProvenance().runInfo()
                .get("final-weights-sha256");
        List<String> ids = List.of("ead-tis__dapo__s1", "tau-1-0__dapo__s1", "ead-tis__dapo__s2", "tau-1-0__dapo__s2",
                "ablation-paper-k-20-c-10__dapo__s1", "ablation-paper-k-20-c-10__dapo__s2");
        for (String id : ids) {
            Path run = dir.resolve(RunExecutor.RUNS).resolve(id);
            assertTrue(Files.isRegularFile(run.resolve(RunDirectory.PROVENANCE)), id);
            assertEquals(warmSha, RunDirectory.open(run).readProvenance().runInfo().get("initial-weights-sha256"), id);
            assertTrue(Files.isRegularFile(dir.resolve(RunExecutor.CONFIGS).resolve(id + ".json")), id);
        }
        // the EAD+TIS run's config carries the schedule and TIS; the tau = 1 run's loss has none
        RlvrTrainer tis = ExperimentConfigs.load(dir.resolve(RunExecutor.CONFIGS).resolve("ead-tis__dapo__s2.json"),
                RlvrTrainer.class);
        assertTrue(tis.schedule() instanceof ExploratoryAnnealing);
        assertEquals(2, tis.seed());
        String tisLoss = tis.getProvenance().toString();
        assertTrue(tisLoss.contains("TruncatedImportanceSampling"), tisLoss);
        RlvrTrainer fixed = ExperimentConfigs.load(dir.resolve(RunExecutor.CONFIGS).resolve("tau-1-0__dapo__s1.json"),
                RlvrTrainer.class);
        assertFalse(fixed.getProvenance().toString().contains("TruncatedImportanceSampling"));

        // study.json: the paired differences are the differences of the runs' own final evaluations
        JsonNode study = new ObjectMapper().readTree(dir.resolve(StudyReport.JSON).toFile());
        String pass = "eval/pass@4";
        JsonNode cmp = null;
        for (JsonNode c : study.get("comparisons")) {
            if (c.get("reference").asText().equals("EAD+TIS") && c.get("other").asText().equals("tau=1.0")
                    && c.get("metric").asText().equals(pass) && c.get("summary").asText().equals("final")) {
                cmp = c;
            }
        }
        assertTrue(cmp != null, "comparison EAD+TIS vs tau=1.0 on pass@4 is in study.json");
        for (long seed : new long[]{1, 2}) {
            double d = lastEval(dir, "ead-tis__dapo__s" + seed, pass) - lastEval(dir, "tau-1-0__dapo__s" + seed, pass);
            assertEquals(d, cmp.get("differences").get("DAPO/s" + seed).asDouble(), 1e-12);
        }
        double meanPass = (lastEval(dir, "ead-tis__dapo__s1", pass) + lastEval(dir, "ead-tis__dapo__s2", pass)) / 2;
        assertEquals(meanPass, a.cell("EAD+TIS", "DAPO").last().get(pass).mean(), 1e-12);
        assertEquals(2, study.get("cells").size());
        assertEquals(1, study.get("ablations").get("cells").size());
        // the paper's position scale on short responses: tau differs from 1 only from token 10 on
        double tau = a.ablationCells().get(0).dynamics().get("rollout/tau_mean").mean();
        assertTrue(tau >= 1.0 && tau <= 1.2, "mean rollout tau of the k = 20, c = 10 arm: " + tau);

        // inference-time comparison: 2 checkpoints x 2 schedules, maj@N and pass@N for every N
        assertEquals(4, study.get("inference").size());
        JsonNode inf = study.get("inference").get(0);
        assertEquals(3, inf.get("maj").size());
        assertEquals(3, inf.get("pass").size());

        // plots and the report
        for (JsonNode p : study.get("plots")) {
            Path png = dir.resolve(p.asText());
            assertTrue(Files.size(png) > 1000, p.asText());
        }
        String md = Files.readString(dir.resolve(StudyReport.MARKDOWN));
        assertTrue(md.contains("Tiny protocol: fixed before the run."), md);
        assertTrue(md.contains("## Paired differences"), md);
        assertTrue(md.contains("## Inference-time EAD"), md);
        assertTrue(md.contains("## Schedule ablations"), md);

        // --resume keeps every completed run and reproduces the numbers
        StringWriter log2 = new StringWriter();
        StudyAnalysis b = StudyRunner.run(cfg, dir, new StudyRunner.Options(1, true, true, true, "512m"),
                new PrintWriter(log2, true));
        assertTrue(log2.toString().contains("keeping 6 completed run(s); 0 to run"), log2.toString());
        assertEquals(a.cell("EAD+TIS", "DAPO").last().get(pass), b.cell("EAD+TIS", "DAPO").last().get(pass));

        // a child JVM trains the same bits from the same configuration
        Path childStudy = tmp.resolve("child");
        RunExecutor child = new RunExecutor(childStudy, 1, false, "512m", new PrintWriter(new StringWriter()));
        StudyPlan.Run run = StudyPlan.runs(cfg, dir.resolve(StudyPlan.WARM_START_ID).resolve("checkpoints/step-0/policy")
                .toAbsolutePath().toString(), warmSha, false).get(0);
        RunExecutor.Outcome o = child.execute(List.of(run), false).get(0);
        assertTrue(o.ok(), o.error() + "\n" + Files.readString(childStudy.resolve(RunExecutor.LOGS)
                .resolve(run.id() + ".log")));
        assertEquals(RunDirectory.open(dir.resolve(RunExecutor.RUNS).resolve(run.id())).readProvenance().runInfo()
                        .get("final-weights-sha256"),
                RunDirectory.open(o.dir()).readProvenance().runInfo().get("final-weights-sha256"));
    }

    private static double lastEval(Path study, String id, String key) throws IOException {
        var lines = JsonlLog.read(study.resolve(RunExecutor.RUNS).resolve(id).resolve(RunDirectory.EVAL));
        return lines.get(lines.size() - 1).get(key).asDouble();
    }

    /** Countdown puzzles as a JSONL task; a 1-layer d = 16 policy; 2 RL steps per run. */
    static StudyConfig tinyStudy(Path tmp) throws IOException {
        CountdownTask source = new CountdownTask(7, 48, 6, 3, 3, 9, 30);
        Path train = writeJsonl(tmp.resolve("train.jsonl"), source.train());
        Path eval = writeJsonl(tmp.resolve("eval.jsonl"), source.eval());
        JsonlTask task = new JsonlTask(train, eval, "countdown-jsonl", new CountdownVerifier());
        PolicyConfig policy = new PolicyConfig(new CharTokenizer().vocabSize(), 16, 2, 1, 32, 40, NormKind.LAYER_NORM,
                PositionKind.LEARNED, false, 3);
        RlvrTrainer template = new RlvrTrainer(policy, task)
                .withOptimizer(new AdamW(1e-3))
                .withSteps(2, 4, 4, 16)
                .withUpdates(1, 1)
                .withEvaluation(new Evaluation(4, 6, new ConstantTemperature(1.0), List.of(1, 4)), 1, true)
                .withCheckpoints(0, 1);
        List<StudyArm> methods = List.of(
                new StudyArm("EAD+TIS", QuickstartExperiment.eadSchedule(),
                        new TruncatedImportanceSampling(ImportanceSamplingLevel.TOKEN, 2.0)),
                new StudyArm("tau=1.0", new ConstantTemperature(1.0), null));
        return new StudyConfig("tiny", "Tiny protocol: fixed before the run.", template,
                new SupervisedWarmStart(20, 16, 3e-3), methods, List.of(new StudyLoss("DAPO", new DapoLoss())),
                new long[]{1, 2})
                .withAblations(List.of(new StudyArm("paper k=20 c=10",
                        new ExploratoryAnnealing(1.2, 0.1, 25, 5, 40000, 10, 20), null)), "DAPO")
                .withInference(List.of(new StudyArm("EAD", QuickstartExperiment.eadSchedule(), null),
                        new StudyArm("tau=1.0", new ConstantTemperature(1.0), null)), List.of("EAD+TIS"),
                        List.of(1, 2, 4), 4);
    }

    private static Path writeJsonl(Path file, List<Problem> problems) throws IOException {
        ObjectMapper om = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (Problem p : problems) {
            lines.add(om.writeValueAsString(Map.of("id", p.id(), "prompt", p.prompt(), "answer", p.answer(),
                    "solution", p.referenceSolution())));
        }
        return Files.write(file, lines);
    }
}
