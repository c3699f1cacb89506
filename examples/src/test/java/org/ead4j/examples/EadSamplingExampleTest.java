package org.ead4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.ead4j.examples.quickstart.QuickstartExperiment;
import org.ead4j.rollout.Rollout;
import org.ead4j.samediff.decode.FinishReason;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.ead4j.tokenizer.CharTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EadSamplingExampleTest {

    private static PolicyTransformer policy;

    @BeforeAll
    static void policy() {
        policy = new PolicyTransformer(QuickstartExperiment.policy(42));
    }

    private static EadSamplingExample.Sample sample(long step, ByteArrayOutputStream buf) {
        return EadSamplingExample.run(policy, QuickstartExperiment.eadSchedule(), 3, step, 4, 42,
                new PrintStream(buf, true, StandardCharsets.UTF_8));
    }

    @Test
    void everyTokenCarriesTheScheduleTemperatureAndBothLogProbs() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        EadSamplingExample.Sample s = sample(0, buf);
        assertEquals(4, s.group().size());
        boolean someDiffer = false;
        for (Rollout r : s.group()) {
            assertTrue(r.length() >= 1 && r.length() <= 24);
            assertEquals(r.finish() == FinishReason.STOP, r.response()[r.length() - 1] == CharTokenizer.EOS);
            for (int t = 0; t < r.length(); t++) {
                // quickstart EAD at step 0: c = 1, k = 1, d_0 = 16, tau_max 1.2, tau_min 0.1 (by hand)
                double tau = t < 1 ? 1.0 : Math.max(2.2 - Math.exp(t / 16.0), 0.1);
                assertEquals((float) tau, r.tau()[t], 1e-6f, "tau at t = " + t);
                assertTrue(Float.isFinite(r.behaviourLogProb()[t]) && r.behaviourLogProb()[t] <= 0);
                assertTrue(Float.isFinite(r.targetLogProb()[t]) && r.targetLogProb()[t] <= 0);
                if (t == 0) {
                    assertEquals(r.targetLogProb()[0], r.behaviourLogProb()[0], 1e-6f, "tau = 1: behaviour = target");
                } else if (Math.abs(r.behaviourLogProb()[t] - r.targetLogProb()[t]) > 1e-3) {
                    someDiffer = true;
                }
            }
        }
        assertTrue(someDiffer, "tau != 1 must change the behaviour log-probs");
        assertTrue(s.forwardMaxDiff() < 1e-4, "decoder vs full forward: " + s.forwardMaxDiff());
        for (double r : s.rewards()) {
            assertTrue(r == 0 || r == 1);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("prompt: \"" + s.problem().prompt() + "\""), text);
        assertTrue(text.contains("log pi(y;tau_t)") && text.contains("sequence weight p/q"), text);
    }

    @Test
    void laterStepsAnnealMoreSlowlyAndDrawOtherSamples() {
        EadSamplingExample.Sample s0 = sample(0, new ByteArrayOutputStream());
        EadSamplingExample.Sample s100 = sample(100, new ByteArrayOutputStream());
        double d100 = 16 + 0.2 * 100;
        for (Rollout r : s100.group()) {
            for (int t = 1; t < r.length(); t++) {
                assertEquals((float) Math.max(2.2 - Math.exp(t / d100), 0.1), r.tau()[t], 1e-6f);
            }
        }
        // the random streams are keyed by the step, so the groups differ
        assertNotEquals(Arrays.deepToString(s0.group().stream().map(Rollout::response).toArray()),
                Arrays.deepToString(s100.group().stream().map(Rollout::response).toArray()));
    }

    @Test
    void rejectsAnUnknownPrompt() {
        assertThrows(IllegalArgumentException.class, () -> EadSamplingExample.run(policy,
                new ExploratoryAnnealing(1.2, 0.1, 16, 0.2, 40000, 1, 1), 128, 0, 2, 1, System.out));
    }
}
