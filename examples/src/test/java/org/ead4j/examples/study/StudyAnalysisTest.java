package org.ead4j.examples.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ead4j.run.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The analysis on hand-written run logs: cells, areas, and the three scopes of paired differences. */
class StudyAnalysisTest {

    @TempDir
    Path tmp;

    @Test
    void cellsAndComparisonsFromLogs() throws IOException {
        StudyConfig cfg = StudyPresets.small(); // methods EAD, EAD+TIS, tau=...; losses GRPO, DAPO; n = 16
        List<RunExecutor.Outcome> outcomes = new ArrayList<>();
        // pass@16 at steps 0, 10, 20 for EAD and tau=1.0, two losses, two seeds
        double[][] ead = {{0.5, 0.6, 0.7}, {0.5, 0.7, 0.9}, {0.5, 0.6, 0.6}, {0.5, 0.5, 0.8}};
        double[][] tau = {{0.5, 0.5, 0.6}, {0.5, 0.6, 0.6}, {0.5, 0.6, 0.7}, {0.5, 0.5, 0.5}};
        String[] losses = {"GRPO", "GRPO", "DAPO", "DAPO"};
        long[] seeds = {1, 2, 1, 2};
        for (int i = 0; i < 4; i++) {
            outcomes.add(fake("EAD", losses[i], seeds[i], ead[i]));
            outcomes.add(fake("tau=1.0", losses[i], seeds[i], tau[i]));
        }
        StudyAnalysis a = StudyAnalysis.of(cfg, outcomes);
        String pass = "eval/pass@16";

        // EAD / GRPO: final values 0.7 and 0.9 -> mean 0.8; areas (trapezoid / 20): 0.6 and 0.7
        StudyAnalysis.Cell c = a.cell("EAD", "GRPO");
        assertEquals(0.8, c.last().get(pass).mean(), 1e-12);
        assertEquals(0.8 - 12.706205 * 0.1, c.last().get(pass).lo(), 1e-5); // s = 0.1414, se = 0.1, t(0.975, 1)
        assertEquals(0.65, c.area().get(pass).mean(), 1e-12);
        assertEquals(2, c.runIds().size());

        // pooled over losses: 4 pairs, differences 0.1, 0.3, -0.1, 0.3 -> mean 0.15, 3 wins 1 loss
        PairedComparison pooled = find(a, StudyAnalysis.ALL_LOSSES, pass);
        assertEquals(4, pooled.pairs().size());
        assertEquals(0.15, pooled.mean().mean(), 1e-12);
        assertEquals(3, pooled.wins());
        assertEquals(1, pooled.losses());
        assertEquals(0.625, pooled.signTestP(), 1e-12); // 2 * P(X <= 1), X ~ Bin(4, 1/2) = 2 * 5/16
        // per-seed means over losses: seed 1 (0.1 - 0.1)/2 = 0, seed 2 (0.3 + 0.3)/2 = 0.3
        PairedComparison seedMeans = find(a, StudyAnalysis.SEED_MEANS, pass);
        assertEquals(List.of("s1", "s2"), seedMeans.pairs());
        assertEquals(0.0, seedMeans.differences()[0], 1e-12);
        assertEquals(0.3, seedMeans.differences()[1], 1e-12);
        assertEquals(1, seedMeans.ties());
        // one loss only: DAPO differences -0.1 and 0.3
        PairedComparison dapo = find(a, "DAPO", pass);
        assertEquals(List.of("DAPO/s1", "DAPO/s2"), dapo.pairs());
        assertEquals(0.1, dapo.mean().mean(), 1e-12);
        // methods without runs give empty cells and no pairs, not errors
        assertEquals(0, a.cell("tau=0.6", "GRPO").runIds().size());
        assertTrue(Double.isNaN(a.cell("tau=0.6", "GRPO").last().get(pass).mean()));
        assertTrue(a.identicalAcrossLosses().isEmpty()); // no provenance, nothing to compare
    }

    private static PairedComparison find(StudyAnalysis a, String scope, String metric) {
        return a.comparisons().stream().filter(c -> c.reference().equals("EAD") && c.other().equals("tau=1.0")
                        && c.scope().equals(scope) && c.metric().equals(metric)
                        && c.summary().equals(StudyAnalysis.FINAL))
                .findFirst().orElseThrow().result();
    }

    private RunExecutor.Outcome fake(String method, String loss, long seed, double[] pass) throws IOException {
        String id = StudyPlan.runId(method, loss, seed);
        Path dir = tmp.resolve(id);
        Files.createDirectories(dir);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < pass.length; i++) {
            lines.add("{\"step\":" + (10 * i) + ",\"eval/pass@16\":" + pass[i] + ",\"eval/mean@16\":0.1}");
        }
        Files.write(dir.resolve(RunDirectory.EVAL), lines);
        Files.write(dir.resolve(RunDirectory.STEPS), List.of("{\"step\":1,\"actor/entropy\":0.5}"));
        StudyPlan.Run run = new StudyPlan.Run(id, StudyPlan.Kind.MAIN, method, loss, seed, null);
        return new RunExecutor.Outcome(run, dir, true, false, 1, 1, "");
    }
}
