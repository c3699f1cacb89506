package org.ead4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ead4j.data.Problem;
import org.ead4j.reward.CountdownPuzzle;
import org.ead4j.reward.CountdownVerifier;
import org.ead4j.reward.RewardResult.Reason;
import org.ead4j.tokenizer.CharTokenizer;
import org.junit.jupiter.api.Test;

class CountdownTaskTest {

    @Test
    void everyPuzzleIsSolvedByItsReferenceUsingAllNumbers() {
        CountdownTask task = new CountdownTask(11, 1000, 200);
        CountdownVerifier strict = new CountdownVerifier(true); // construction uses every number exactly once
        CharTokenizer tok = new CharTokenizer();
        int maxSequence = 0;
        Set<Integer> counts = new HashSet<>();
        for (Problem p : ArithmeticTaskTest.concat(task.eval(), task.train())) {
            CountdownPuzzle puzzle = CountdownPuzzle.parse(p.answer());
            assertEquals(p.answer() + ":", p.prompt());
            assertTrue(p.prompt().matches("\\d+( \\d+){2,3}>\\d+:"), p.prompt());
            counts.add(puzzle.numbers().size());
            for (int n : puzzle.numbers()) {
                assertTrue(n >= 1 && n <= 20, p.prompt());
                assertTrue(n != puzzle.target(), "target equals a given number: " + p.prompt());
            }
            assertTrue(puzzle.target() >= 1 && puzzle.target() <= 100, p.prompt());
            assertTrue(p.referenceSolution().endsWith("=" + puzzle.target()), p.referenceSolution());
            assertEquals(Reason.OK, strict.verify(p, p.referenceSolution()).reason(), p + " " + p.referenceSolution());
            assertEquals(Reason.OK, task.verifier().verify(p, p.referenceSolution()).reason());
            // BOS + prompt + solution + EOS fits a 64-token context with room to spare
            int len = 1 + tok.encode(p.prompt() + p.referenceSolution()).length + 1;
            maxSequence = Math.max(maxSequence, len);
        }
        assertEquals(Set.of(3, 4), counts);
        assertTrue(maxSequence <= 40, "longest BOS+prompt+solution+EOS: " + maxSequence);
    }

    @Test
    void splitsAreDisjointAsMultisetsAndDeterministic() {
        CountdownTask a = new CountdownTask(5, 500, 100);
        CountdownTask b = new CountdownTask(5, 500, 100);
        assertEquals(a.train(), b.train());
        assertEquals(a.eval(), b.eval());
        Set<String> keys = new HashSet<>();
        for (Problem p : ArithmeticTaskTest.concat(a.eval(), a.train())) {
            CountdownPuzzle q = CountdownPuzzle.parse(p.answer());
            List<Integer> sorted = new ArrayList<>(q.numbers());
            Collections.sort(sorted);
            assertTrue(keys.add(sorted + ">" + q.target()), "repeated puzzle " + p.prompt());
        }
        assertFalse(a.eval().equals(new CountdownTask(6, 500, 100).eval()));
    }

    @Test
    void provenanceReplaysTheSameProblems() {
        CountdownTask task = new CountdownTask(3, 50, 20, 3, 3, 10, 50);
        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(ProvenanceUtil.extractConfiguration(task.getProvenance()));
        Task back = cm.lookupAll(CountdownTask.class).get(0);
        assertEquals(task.getProvenance(), back.getProvenance());
        assertEquals(task.train(), back.train());
        assertEquals(task.eval(), back.eval());
    }
}
