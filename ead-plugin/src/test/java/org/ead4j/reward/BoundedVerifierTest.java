package org.ead4j.reward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ead4j.data.Problem;
import org.ead4j.reward.RewardResult.Reason;
import org.junit.jupiter.api.Test;

class BoundedVerifierTest {

    /** A test verifier whose behaviour is chosen by the response text. */
    static final class Scripted implements Verifier {
        final AtomicBoolean release = new AtomicBoolean();

        @Override
        public RewardResult verify(Problem problem, String response) {
            switch (response) {
                case "sleep" -> {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        return RewardResult.of(0.0, Reason.TIMEOUT, null, "interrupted");
                    }
                }
                case "spin" -> {
                    while (!release.get()) {
                        Thread.onSpinWait(); // ignores interrupts on purpose
                    }
                }
                case "throw" -> throw new IllegalStateException("boom");
                case "overflow" -> {
                    return recurse(0);
                }
                default -> {
                    if (response.startsWith("delay")) {
                        try {
                            Thread.sleep(Integer.parseInt(response.substring(5)));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            }
            return RewardResult.ok(response.length(), response);
        }

        private RewardResult recurse(int depth) {
            return depth < 0 ? null : recurse(depth + 1);
        }

        @Override
        public ConfiguredObjectProvenance getProvenance() {
            return new ConfiguredObjectProvenanceImpl(this, "Verifier");
        }
    }

    private static final Problem P = new Problem("p", "q", "a", "test");

    private static List<Problem> times(int n) {
        List<Problem> ps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ps.add(P);
        }
        return ps;
    }

    @Test
    void batchResultsAreInInputOrderWhateverTheTiming() {
        Scripted s = new Scripted();
        List<String> responses = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            responses.add("delay" + ((i * 7) % 5) * 3); // later items often finish first
        }
        try (BoundedVerifier b = new BoundedVerifier(s, 2000, 4)) {
            RewardResult[] parallel = b.verifyAll(times(24), responses);
            RewardResult[] sequential = s.verifyAll(times(24), responses);
            assertArrayEquals(sequential, parallel);
        }
    }

    @Test
    void slowCallTimesOutAndIsInterrupted() {
        try (BoundedVerifier b = new BoundedVerifier(new Scripted(), 200, 2)) {
            long t0 = System.nanoTime();
            RewardResult[] r = b.verifyAll(times(3), List.of("x", "sleep", "yy"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(Reason.OK, r[0].reason());
            assertEquals(Reason.TIMEOUT, r[1].reason());
            assertEquals(0.0, r[1].score());
            assertTrue(r[1].detail().contains("200 ms"), r[1].detail());
            assertEquals(Reason.OK, r[2].reason());
            assertTrue(ms < 1500, "took " + ms + " ms");
        }
    }

    @Test
    void threadIgnoringInterruptIsReplacedThenReleased() throws Exception {
        Scripted s = new Scripted();
        try (BoundedVerifier b = new BoundedVerifier(s, 150, 1)) {
            assertEquals(Reason.TIMEOUT, b.verify(P, "spin").reason());
            assertEquals(1, b.stuckThreads());
            // the only worker is stuck: a replacement thread serves the next call
            assertEquals(Reason.OK, b.verify(P, "fine").reason());
            s.release.set(true);
            long deadline = System.currentTimeMillis() + 2000;
            while (b.stuckThreads() > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(0, b.stuckThreads());
            assertEquals(Reason.OK, b.verify(P, "again").reason());
        } finally {
            s.release.set(true);
        }
    }

    @Test
    void failuresBecomeErrorResults() {
        try (BoundedVerifier b = new BoundedVerifier(new Scripted(), 2000, 2)) {
            RewardResult[] r = b.verifyAll(times(2), List.of("throw", "overflow"));
            assertEquals(Reason.ERROR, r[0].reason());
            assertTrue(r[0].detail().contains("boom"), r[0].detail());
            assertEquals(Reason.ERROR, r[1].reason());
            assertTrue(r[1].detail().contains("StackOverflowError"), r[1].detail());
        }
    }

    @Test
    void hostileResponsesScoreZeroQuickly() {
        String mega = "9".repeat(1 << 20);
        String nestedBraces = "\\boxed{" + "{".repeat(10_000) + "7" + "}".repeat(10_000) + "}";
        String nestedParens = "(".repeat(10_000) + "8" + ")".repeat(10_000);
        List<String> hostile = List.of(mega, nestedBraces, nestedParens, "\\boxed{1e999999999}",
                "\\boxed{" + mega + "}", "#### " + mega, "1" + "*1".repeat(40_000));
        Set<Reason> allowed = Set.of(Reason.UNPARSEABLE, Reason.TIMEOUT, Reason.NO_ANSWER, Reason.WRONG);
        Problem math = new Problem("m", "q", "7", "math");
        Problem countdown = new Problem("c", "3 8 4>20:", "3 8 4>20", "countdown");
        for (Verifier v : List.of(new NumericVerifier(true, true, true), new CountdownVerifier(false),
                new ExactMatchVerifier(true, false))) {
            Problem p = v instanceof CountdownVerifier ? countdown : math;
            try (BoundedVerifier b = new BoundedVerifier(v)) {
                long t0 = System.nanoTime();
                RewardResult[] r = b.verifyGroup(p, hostile);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                for (int i = 0; i < r.length; i++) {
                    assertEquals(0.0, r[i].score(), v + " on hostile #" + i);
                    assertTrue(allowed.contains(r[i].reason()), v + " on hostile #" + i + ": " + r[i]);
                }
                assertEquals(Reason.UNPARSEABLE, r[0].reason(), "1 MiB is over maxResponseChars");
                assertTrue(ms < 2000, v + " took " + ms + " ms");
            }
        }
    }

    @Test
    void catastrophicRegexIsCutOffAndFreesItsThread() throws Exception {
        FormatReward evil = new FormatReward("(.*a){20}"); // ~25 s of backtracking on 28 a + c (java.util.regex, JDK 17)
        try (BoundedVerifier b = new BoundedVerifier(evil, 200, 1)) {
            RewardResult r = b.verify(P, "a".repeat(28) + "c");
            assertEquals(Reason.TIMEOUT, r.reason());
            long deadline = System.currentTimeMillis() + 2000;
            while (b.stuckThreads() > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(0, b.stuckThreads(), "the interruptible char sequence stops the match");
            assertEquals(Reason.WRONG, b.verify(P, "b").reason(), "the worker is free again");
        }
    }

    @Test
    void closedVerifierRefusesWork() {
        BoundedVerifier b = new BoundedVerifier(new ExactMatchVerifier());
        assertEquals(Reason.WRONG, b.verify(P, "b").reason());
        b.close();
        assertThrows(IllegalStateException.class, () -> b.verify(P, "a"));
    }

    @Test
    void mismatchedBatchIsRejected() {
        try (BoundedVerifier b = new BoundedVerifier(new ExactMatchVerifier())) {
            assertThrows(IllegalArgumentException.class, () -> b.verifyAll(times(2), List.of("a")));
        }
    }
}
