package org.ead4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ead4j.data.Problem;
import org.ead4j.reward.RewardResult.Reason;
import org.ead4j.tokenizer.CharTokenizer;
import org.junit.jupiter.api.Test;

class ArithmeticTaskTest {

    private static final Pattern PROMPT = Pattern.compile("(\\d{1,3})([+*-])(\\d{1,3})=");

    @Test
    void problemsAreWellFormedAndReferenceSolutionsScoreOne() {
        ArithmeticTask task = new ArithmeticTask(7, 500, 100, 1, 3, "+-*");
        CharTokenizer tok = new CharTokenizer();
        Set<String> ops = new HashSet<>();
        for (Problem p : concat(task.eval(), task.train())) {
            Matcher m = PROMPT.matcher(p.prompt());
            assertTrue(m.matches(), p.prompt());
            long a = Long.parseLong(m.group(1));
            long b = Long.parseLong(m.group(3));
            String op = m.group(2);
            ops.add(op);
            long expected = op.equals("+") ? a + b : op.equals("-") ? a - b : a * b;
            assertEquals(Long.toString(expected), p.answer(), p.prompt());
            assertTrue(expected >= 0, "nonNegative by default: " + p.prompt());
            assertEquals(p.answer(), p.referenceSolution());
            assertEquals("arithmetic", p.dataSource());
            assertEquals(Reason.OK, task.verifier().verify(p, p.referenceSolution()).reason());
            assertEquals(Reason.WRONG, task.verifier().verify(p, Long.toString(expected + 1)).reason());
            assertTrue(p.prompt().length() <= 8 && p.referenceSolution().length() <= 6);
            tok.encode(p.prompt() + p.referenceSolution()); // the default alphabet covers the task
        }
        assertEquals(Set.of("+", "-", "*"), ops);
    }

    @Test
    void splitsAreDisjointDeterministicAndEvalIgnoresTrainSize() {
        ArithmeticTask a = new ArithmeticTask(1, 300, 50, 1, 2, "+-");
        ArithmeticTask b = new ArithmeticTask(1, 300, 50, 1, 2, "+-");
        ArithmeticTask c = new ArithmeticTask(1, 10, 50, 1, 2, "+-");
        ArithmeticTask other = new ArithmeticTask(2, 300, 50, 1, 2, "+-");
        assertEquals(300, a.train().size());
        assertEquals(50, a.eval().size());
        assertEquals(a.train(), b.train());
        assertEquals(a.eval(), b.eval());
        assertEquals(a.eval(), c.eval());
        assertEquals(a.train().subList(0, 10), c.train());
        assertNotEquals(a.eval(), other.eval());
        Set<String> prompts = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (Problem p : concat(a.eval(), a.train())) {
            assertTrue(prompts.add(p.prompt()), "duplicate prompt " + p.prompt());
            assertTrue(ids.add(p.id()));
        }
        assertEquals("arithmetic/eval/0", a.eval().get(0).id());
        assertEquals("arithmetic/train/299", a.train().get(299).id());
    }

    @Test
    void tooSmallProblemSpaceIsAClearError() {
        // one-digit additions: at most 100 distinct prompts
        PropertyException e = assertThrows(PropertyException.class, () -> new ArithmeticTask(1, 150, 0, 1, 1, "+"));
        assertTrue(e.getMessage().contains("only 100 distinct problems"), e.getMessage());
        assertThrows(PropertyException.class, () -> new ArithmeticTask(1, 10, 10, 3, 2, "+"));
        PropertyException ops = assertThrows(PropertyException.class, () -> new ArithmeticTask(1, 10, 10, 1, 2, "+/"));
        assertTrue(ops.getMessage().contains("operations = \"+/\" is invalid"), ops.getMessage());
    }

    static List<Problem> concat(List<Problem> a, List<Problem> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
