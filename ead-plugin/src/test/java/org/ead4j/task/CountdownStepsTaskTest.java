package org.ead4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ead4j.data.Problem;
import org.ead4j.reward.CountdownPuzzle;
import org.ead4j.reward.CountdownStepsVerifier;
import org.ead4j.reward.RewardResult.Reason;
import org.ead4j.tokenizer.CharTokenizer;
import org.junit.jupiter.api.Test;

/**
 * The step-by-step Countdown task: golden problems, references that verify, the length distribution
 * of correct responses, the number of distinct solutions (by exhaustive search), determinism and
 * config validation.
 */
class CountdownStepsTaskTest {

    @Test
    void goldenProblemsForAFixedSeed() {
        CountdownStepsTask task = new CountdownStepsTask(2026, 3, 3);
        List<String> got = new ArrayList<>();
        for (Problem p : ArithmeticTaskTest.concat(task.eval(), task.train())) {
            got.add(p.id() + " | " + p.prompt() + " | " + p.referenceSolution());
        }
        assertEquals(List.of(GOLDEN), got);
    }

    private static final String[] GOLDEN = {
        "countdown-steps/eval/0 | 15 15 27 29 11>153: | 11*27=297,29*15=435,435+15=450,450-297=153",
        "countdown-steps/eval/1 | 10 22 15 20 23 30>497: | 20/10=2,15*30=450,23+22=45,2+450=452,452+45=497",
        "countdown-steps/eval/2 | 18 9 10 1 1 21>261: | 21+1=22,18-1=17,17-10=7,7+22=29,29*9=261",
        "countdown-steps/train/0 | 26 23 19 23 5 23>578: | 5+19=24,23*24=552,26+552=578,23/23=1,578*1=578",
        "countdown-steps/train/1 | 21 13 6 7 19>239: | 19*13=247,6+247=253,253-21=232,232+7=239",
        "countdown-steps/train/2 | 2 23 6 1 17 18>840: | 17+1=18,18+18=36,2*6=12,36*23=828,828+12=840"};

    /** Over 1000 prompts: every reference verifies, has 40-120 characters, and the sequence fits 80 tokens. */
    @Test
    void referenceSolutionsVerifyAndHave40To120Characters() {
        CountdownStepsTask task = new CountdownStepsTask(11, 800, 200);
        CountdownStepsVerifier verifier = new CountdownStepsVerifier();
        CharTokenizer tok = new CharTokenizer();
        int[] lengths = new int[1000];
        int i = 0;
        int maxSequence = 0;
        Map<Integer, Integer> counts = new HashMap<>();
        for (Problem p : ArithmeticTaskTest.concat(task.eval(), task.train())) {
            CountdownPuzzle puzzle = CountdownPuzzle.parse(p.answer());
            assertEquals(p.answer() + ":", p.prompt());
            assertTrue(p.prompt().matches("\\d+( \\d+){4,5}>\\d+:"), p.prompt());
            counts.merge(puzzle.numbers().size(), 1, Integer::sum);
            for (int n : puzzle.numbers()) {
                assertTrue(n >= 1 && n <= 30 && n != puzzle.target(), p.prompt());
            }
            assertTrue(puzzle.target() >= 100 && puzzle.target() <= 999, p.prompt());
            String ref = p.referenceSolution();
            assertEquals(puzzle.numbers().size() - 1, ref.split(",").length, ref);
            assertEquals(Reason.OK, verifier.verify(p, ref).reason(), p.prompt() + ref + " " + verifier.verify(p, ref));
            assertEquals(Reason.OK, task.verifier().verify(p, ref).reason());
            lengths[i++] = tok.encode(ref).length; // one token per character
            maxSequence = Math.max(maxSequence, 1 + tok.encode(p.prompt() + ref).length + 1);
        }
        assertEquals(1000, i);
        Arrays.sort(lengths);
        double mean = Arrays.stream(lengths).average().orElseThrow();
        System.out.printf("reference solution length over 1000 prompts: min %d, p5 %d, median %d, mean %.1f, "
                        + "p95 %d, max %d; numbers per puzzle %s; longest BOS+prompt+solution+EOS %d%n",
                lengths[0], lengths[50], lengths[500], mean, lengths[950], lengths[999], counts, maxSequence);
        assertTrue(lengths[0] >= 40 && lengths[999] <= 120, "lengths " + lengths[0] + ".." + lengths[999]);
        assertTrue(mean > 41 && mean < 47, "mean length " + mean);
        assertTrue(counts.get(5) > 400 && counts.get(6) > 400, "numbers per puzzle " + counts);
        assertTrue(maxSequence <= 80, "longest BOS+prompt+solution+EOS: " + maxSequence);
    }

    /**
     * Exhaustive search over the first 40 evaluation prompts: how many distinct correct chains (up to the
     * order of independent equations and of the operands of + and *) each has, and how long they are.
     */
    @Test
    void mostPromptsHaveSeveralDistinctSolutions() {
        CountdownStepsTask task = new CountdownStepsTask(11, 0, 40);
        CountdownStepsVerifier verifier = new CountdownStepsVerifier();
        int[] solutions = new int[40];
        int shortest = Integer.MAX_VALUE;
        long within = 0;
        long total = 0;
        int i = 0;
        for (Problem p : task.eval()) {
            CountdownPuzzle puzzle = CountdownPuzzle.parse(p.answer());
            Map<String, String> found = Solver.solve(puzzle, CAP);
            assertTrue(found.size() >= 1, "the reference's own tree must be found: " + p.prompt());
            for (String chain : found.values()) {
                assertEquals(Reason.OK, verifier.verify(p, chain).reason(), p.prompt() + " " + chain);
                total++;
                within += chain.length() >= 40 && chain.length() <= 120 ? 1 : 0;
                shortest = Math.min(shortest, chain.length());
            }
            solutions[i++] = found.size();
        }
        int[] sorted = solutions.clone();
        Arrays.sort(sorted);
        long atLeastTwo = Arrays.stream(solutions).filter(s -> s >= 2).count();
        System.out.printf("distinct solutions per prompt (40 prompts, capped at %d): min %d, p10 %d, median %d, "
                        + "max %d; >= 2 solutions: %d/40; correct chains of 40-120 characters: %d/%d, shortest %d%n",
                CAP, sorted[0], sorted[4], sorted[20], sorted[39], atLeastTwo, within, total, shortest);
        System.out.println("sorted counts: " + Arrays.toString(sorted));
        assertTrue(atLeastTwo >= 36, "prompts with >= 2 solutions: " + atLeastTwo + "/40");
        assertTrue(sorted[20] >= 10, "median solutions " + sorted[20]);
        // references are 40+ by construction; other correct chains may pick shorter intermediates
        assertTrue(within >= 0.8 * total, "correct chains of 40-120 characters: " + within + "/" + total);
        assertTrue(shortest >= 30, "shortest correct chain " + shortest);
    }

    private static final int CAP = 2000;

    @Test
    void solverFindsExactlyTheKnownSolutions() {
        // 9 3 5 8 > 30: five trees (9*3 then +8 -5 in two orders or +(8-5); 9*(8-5)+3; (8+5)*3-9)
        Map<String, String> found = Solver.solve(CountdownPuzzle.parse("9 3 5 8>30"), CAP);
        assertEquals(Set.of("((9*3)+(8-5))", "(((9*3)-5)+8)", "(((9*3)+8)-5)", "((9*(8-5))+3)", "(((8+5)*3)-9)"),
                found.keySet());
        Problem p = new Problem("x", "9 3 5 8>30:", "9 3 5 8>30", "countdown-steps", "9*3=27,27-5=22,22+8=30");
        for (String chain : found.values()) {
            assertEquals(Reason.OK, new CountdownStepsVerifier().verify(p, chain).reason(), chain);
        }
        assertEquals(Map.of(), Solver.solve(CountdownPuzzle.parse("1 1 1 1>100"), CAP));
    }

    @Test
    void deterministicDisjointAndSeeded() {
        CountdownStepsTask a = new CountdownStepsTask(5, 300, 100);
        CountdownStepsTask b = new CountdownStepsTask(5, 300, 100);
        assertEquals(a.train(), b.train());
        assertEquals(a.eval(), b.eval());
        assertEquals(a.eval(), new CountdownStepsTask(5, 50, 100).eval(), "eval split independent of trainSize");
        Set<String> keys = new HashSet<>();
        for (Problem p : ArithmeticTaskTest.concat(a.eval(), a.train())) {
            CountdownPuzzle q = CountdownPuzzle.parse(p.answer());
            List<Integer> sorted = new ArrayList<>(q.numbers());
            sorted.sort(null);
            assertTrue(keys.add(sorted + ">" + q.target()), "repeated puzzle " + p.prompt());
        }
        assertNotEquals(a.eval(), new CountdownStepsTask(6, 300, 100).eval());
        assertEquals("countdown-steps", a.name());
        assertEquals("countdown-steps/eval/0", a.eval().get(0).id());
    }

    @Test
    void provenanceReplaysTheSameProblems() {
        CountdownStepsTask task = new CountdownStepsTask(3, 50, 20, 4, 5, 50, 50, 500);
        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(ProvenanceUtil.extractConfiguration(task.getProvenance()));
        Task back = cm.lookupAll(CountdownStepsTask.class).get(0);
        assertEquals(task.getProvenance(), back.getProvenance());
        assertEquals(task.train(), back.train());
        assertEquals(task.eval(), back.eval());
    }

    @Test
    void configValidationNamesFieldValueAndRange() {
        assertMessage("maxNumbers = 9 is invalid: must be in [minNumbers (5), 8]",
                () -> new CountdownStepsTask(1, 10, 10, 5, 9, 30, 100, 999));
        assertMessage("minNumbers = 1 is invalid: must be in [2, 8]",
                () -> new CountdownStepsTask(1, 10, 10, 1, 6, 30, 100, 999));
        assertMessage("maxTarget = 99 is invalid: must be in [minTarget (100), 999]",
                () -> new CountdownStepsTask(1, 10, 10, 5, 6, 30, 100, 99));
        assertMessage("maxTarget = 5000 is invalid: must be in [minTarget (100), 999]",
                () -> new CountdownStepsTask(1, 10, 10, 5, 6, 30, 100, 5000));
        assertMessage("maxValue = 0 is invalid: must be in [minValue (1), 1000]",
                () -> new CountdownStepsTask(1, 10, 10, 5, 6, 0, 100, 999));
        assertMessage("trainSize = -1 is invalid", () -> new CountdownStepsTask(1, -1, 10));
        // four numbers below 31 cannot make a 40-character chain: the generator says so instead of looping
        assertMessage("only 0 distinct problems found", () -> new CountdownStepsTask(1, 10, 10, 4, 4, 30, 100, 999));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        PropertyException ex = assertThrows(PropertyException.class, e);
        assertTrue(ex.getMessage().contains(part), ex.getMessage());
    }

    /**
     * Exhaustive solver: every way to combine two available numbers with + - * / into a positive
     * integer, until one number is left equal to the target. Solutions are keyed by their canonical
     * expression tree (operands of + and * sorted), so reorderings of independent equations count once.
     */
    static final class Solver {

        private record Node(long value, String tree, String chain) {
        }

        private Solver() {
        }

        /** @return canonical tree -> one chain, at most {@code cap} entries */
        static Map<String, String> solve(CountdownPuzzle puzzle, int cap) {
            List<Node> pool = new ArrayList<>();
            for (int n : puzzle.numbers()) {
                pool.add(new Node(n, Integer.toString(n), ""));
            }
            Map<String, String> out = new HashMap<>();
            search(pool, puzzle.target(), cap, out);
            return out;
        }

        private static void search(List<Node> pool, long target, int cap, Map<String, String> out) {
            int n = pool.size();
            for (int i = 0; i < n && out.size() < cap; i++) {
                for (int j = i + 1; j < n; j++) {
                    Node x = pool.get(i);
                    Node y = pool.get(j);
                    Node a = x.value() > y.value() || x.value() == y.value() && x.tree().compareTo(y.tree()) >= 0 ? x : y;
                    Node b = a == x ? y : x;
                    List<Node> rest = new ArrayList<>(pool);
                    rest.remove(j);
                    rest.remove(i);
                    combine(a, b, '+', a.value() + b.value(), rest, target, cap, out);
                    combine(a, b, '*', a.value() * b.value(), rest, target, cap, out);
                    if (a.value() > b.value()) {
                        combine(a, b, '-', a.value() - b.value(), rest, target, cap, out);
                    }
                    if (a.value() % b.value() == 0) {
                        combine(a, b, '/', a.value() / b.value(), rest, target, cap, out);
                    }
                }
            }
        }

        private static void combine(Node a, Node b, char op, long v, List<Node> rest, long target, int cap,
                                    Map<String, String> out) {
            String eq = a.value() + "" + op + b.value() + "=" + v;
            String chain = a.chain() + (a.chain().isEmpty() || b.chain().isEmpty() ? "" : ",") + b.chain();
            chain = chain.isEmpty() ? eq : chain + "," + eq;
            Node c = new Node(v, "(" + a.tree() + op + b.tree() + ")", chain);
            if (rest.isEmpty()) {
                if (v == target && out.size() < cap) {
                    out.putIfAbsent(c.tree(), c.chain());
                }
                return;
            }
            List<Node> next = new ArrayList<>(rest);
            next.add(c);
            search(next, target, cap, out);
        }
    }
}
