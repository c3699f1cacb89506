package org.ead4j.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.ead4j.data.Problem;
import org.ead4j.reward.RewardResult.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CountdownVerifierTest {

    private static final CountdownVerifier AT_MOST_ONCE = new CountdownVerifier(false);

    private static RewardResult check(CountdownVerifier v, String puzzle, String response) {
        return v.verify(new Problem("p", puzzle + ":", puzzle, "countdown"), response);
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @CsvSource(delimiter = '|', value = {
        // puzzle | response | reason | extracted | detail fragment
        "3 8 4>20     | (8-3)*4=20           | OK          | 20   | correct",
        "3 8 4>20     | (8-3)*4              | OK          | 20   | correct",
        "3 8 4>20     | 4*(8-3)              | OK          | 20   | correct",
        "3 8 4>20     | '  ( 8 - 3 ) * 4 = 20 ' | OK       | 20   | correct",
        "3 8 4>20     | 8*3-4                | OK          | 20   | correct",
        "3 8 4>20     | 8+3+4                | WRONG       | 15   | equals 15, not 20",
        "3 8 4>20     | (8-3)*4=21           | WRONG       | 20   | claims 21",
        "3 8 4>24     | 8*3                  | OK          | 24   | correct",
        "3 8 4>20     | 8*4-12               | WRONG       | 20   | uses 12, which is not one of the given numbers",
        "3 8 4>20     | 5*4                  | WRONG       | 20   | 5, which is not one of the given numbers",
        "3 8 4>64     | 8*8                  | WRONG       | 64   | uses 8 more often than given",
        "8 4 4>2      | 8/(4-4)              | WRONG       |      | division by zero",
        "8 3 8 3>24   | 8/(3-8/3)            | OK          | 24   | correct",
        "8 3 8 3>24   | 8/(3-8/3)=24         | OK          | 24   | correct",
        "3 8 4>1      | 4/8+3                | WRONG       | 7/2  | equals 7/2",
        "3 8 4>20     | -3+8*4-9             | UNPARSEABLE |      | unary '-'",
        "3 8 4>20     | ((8-3)*4             | UNPARSEABLE |      | missing ')'",
        "3 8 4>20     | (8-3)*4)             | UNPARSEABLE |      | unexpected ')'",
        "3 8 4>20     | 8 3                  | UNPARSEABLE |      | unexpected '3'",
        "3 8 4>20     | (8-3)x4              | UNPARSEABLE |      | unexpected 'x'",
        "3 8 4>20     | 2**4                 | UNPARSEABLE |      | unexpected '*'",
        "3 8 4>20     | System.exit(0)       | UNPARSEABLE |      | unexpected 'S'",
        "3 8 4>20     | (8-3)*4=twenty       | UNPARSEABLE |      | after '='",
        "3 8 4>20     | 8*4-3-               | UNPARSEABLE |      | expression ends",
        "3 8 4>20     | =20                  | UNPARSEABLE |      | empty expression",
        "3 8 4>20     | 3.5*8                | UNPARSEABLE |      | unexpected '.'",
    })
    void verdicts(String puzzle, String response, Reason reason, String extracted, String detail) {
        RewardResult r = check(AT_MOST_ONCE, puzzle, response);
        assertEquals(reason, r.reason(), r.detail());
        assertEquals(reason == Reason.OK ? 1.0 : 0.0, r.score());
        assertEquals(extracted, r.extracted());
        assertTrue(r.detail().contains(detail), () -> "'" + detail + "' not in: " + r.detail());
    }

    @Test
    void emptyResponseIsNoAnswer() {
        assertEquals(Reason.NO_ANSWER, check(AT_MOST_ONCE, "3 8 4>20", "  ").reason());
    }

    @Test
    void requireAllNumbersRejectsSubsets() {
        CountdownVerifier all = new CountdownVerifier(true);
        RewardResult r = check(all, "3 8 4>24", "8*3");
        assertEquals(Reason.WRONG, r.reason());
        assertTrue(r.detail().contains("does not use 4"), r.detail());
        assertEquals(Reason.OK, check(all, "3 8 4>20", "(8-3)*4").reason());
    }

    @Test
    void deepNestingIsUnparseableNotStackOverflow() {
        String deep = "(".repeat(10_000) + "8" + ")".repeat(10_000);
        CountdownVerifier roomy = new CountdownVerifier(false, 32, 1_000_000);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            RewardResult r = check(roomy, "8 3>8", deep);
            assertEquals(Reason.UNPARSEABLE, r.reason());
            assertTrue(r.detail().contains("nested deeper than 32"), r.detail());
            assertEquals(Reason.UNPARSEABLE, check(AT_MOST_ONCE, "8 3>8", deep).reason()); // too long by default
            // a long flat chain is a loop, not recursion
            String chain = "1" + "+1".repeat(20_000);
            RewardResult c = check(roomy, "1 1>2", chain);
            assertEquals(Reason.WRONG, c.reason());
            assertTrue(c.detail().contains("more often"), c.detail());
            assertEquals(Reason.UNPARSEABLE, check(AT_MOST_ONCE, "3 8 4>20", "9".repeat(1 << 20)).reason());
            assertEquals(Reason.WRONG, check(roomy, "3 8 4>20", "9".repeat(1 << 19)).reason());
        });
        assertEquals(Reason.OK, check(roomy, "3 8 4>20", "(".repeat(31) + "(8-3)*4" + ")".repeat(31)).reason());
    }

    @Test
    void puzzleTextRoundTripsAndRejectsGarbage() {
        CountdownPuzzle p = CountdownPuzzle.parse("3 8 4>20");
        assertEquals(List.of(3, 8, 4), p.numbers());
        assertEquals(20, p.target());
        assertEquals("3 8 4>20", p.toAnswer());
        assertEquals(p, CountdownPuzzle.parse(" 3, 8 ,4 > 20 "));
        assertThrows(IllegalArgumentException.class, () -> CountdownPuzzle.parse("3 8 4=20"));
        assertThrows(IllegalArgumentException.class, () -> CountdownPuzzle.parse("3 x 4>20"));
        assertThrows(IllegalArgumentException.class, () -> CountdownPuzzle.parse(">20"));
    }
}
