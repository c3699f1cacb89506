package org.ead4j.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import java.time.Duration;
import org.ead4j.data.Problem;
import org.ead4j.reward.RewardResult.Reason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NumericVerifierTest {

    private static final NumericVerifier DEFAULT = new NumericVerifier();
    private static final NumericVerifier FALLBACK = new NumericVerifier(true, true, true);

    private static RewardResult check(NumericVerifier v, String gold, String response) {
        return v.verify(new Problem("p", "q", gold, "math"), response);
    }

    @ParameterizedTest(name = "[{index}] {1} vs {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        // gold | response | reason | extracted
        "42      | The answer is \\boxed{42}.                  | OK          | 42",
        "0.5     | so \\boxed{\\frac{1}{2}}                     | OK          | 1/2",
        "1/2     | \\boxed{\\dfrac{2}{4}}                       | OK          | 1/2",
        "3/4     | \\boxed{0.75}                               | OK          | 3/4",
        "-3      | \\boxed{-3}                                 | OK          | -3",
        "-1/2    | \\boxed{-\\frac{1}{2}}                      | OK          | -1/2",
        "1234    | \\boxed{1,234}                              | OK          | 1234",
        "1234567 | \\boxed{1,234,567}                          | OK          | 1234567",
        "3.5     | \\boxed{3.50}                               | OK          | 7/2",
        "5       | \\boxed{5\\text{ cm}}                       | OK          | 5",
        "5       | \\boxed{x = 5}                              | OK          | 5",
        "10      | \\boxed{10\\%}                              | OK          | 10",
        "12      | costs \\boxed{\\$12}                        | OK          | 12",
        "1000    | \\boxed{1e3}                                | OK          | 1000",
        "2       | \\boxed{1} no, \\boxed{2}                   | OK          | 2",
        "7       | \\boxed{{7}}                                | UNPARSEABLE | {7}",
        "7       | \\boxed 7$ done                             | OK          | 7",
        "7       | \\fbox{7}                                   | OK          | 7",
        "8       | \\boxed{\\frac12}                           | WRONG       | 1/2",
        "\\pi    | \\boxed{\\pi}                               | OK          | \\pi",
        "\\pi    | \\boxed{3.14}                               | WRONG       | 157/50",
        "72      | She sold 72 clips.\\n#### 72                 | OK          | 72",
        "1234    | #### 1,234                                  | OK          | 1234",
        "-5      | #### -5.                                    | OK          | -5",
        "72      | #### 72 and then \\boxed{71}                | WRONG       | 71",
        "72      | the answer is 72                            | NO_ANSWER   | ",
        "7       | \\boxed{seven}                              | UNPARSEABLE | seven",
        "7       | \\boxed{7                                   | UNPARSEABLE | ",
        "7       | \\boxed{1,23}                               | UNPARSEABLE | 1,23",
        "7       | \\boxed{8}                                  | WRONG       | 8",
        "7       | \\boxed{7/0}                                | UNPARSEABLE | 7/0",
    })
    void defaultExtraction(String gold, String response, Reason reason, String extracted) {
        RewardResult r = check(DEFAULT, gold, response.replace("\\n", "\n"));
        assertEquals(reason, r.reason(), r.detail());
        assertEquals(reason == Reason.OK ? 1.0 : 0.0, r.score());
        assertEquals(extracted, r.extracted());
    }

    @ParameterizedTest(name = "[{index}] {1} vs {0}")
    @CsvSource(delimiter = '|', value = {
        "72   | the answer is 72          | OK    | 72",
        "46   | 12+34=46                  | OK    | 46",
        "-22  | 12-34=-22                 | OK    | -22",
        "3    | 5-3                       | OK    | 3",
        "3/4  | it is 3/4.                | OK    | 3/4",
        "1000 | about 1,000 people        | OK    | 1000",
        "9    | 10 or 8                   | WRONG | 8",
    })
    void lastNumberFallback(String gold, String response, Reason reason, String extracted) {
        RewardResult r = check(FALLBACK, gold, response);
        assertEquals(reason, r.reason(), r.detail());
        assertEquals(extracted, r.extracted());
    }

    @Test
    void gsm8kAndFallbackLookOnlyAtTheTail() {
        String padding = "x".repeat(400);
        assertEquals(Reason.NO_ANSWER, check(DEFAULT, "72", "#### 72" + padding).reason());
        assertEquals(Reason.OK, check(DEFAULT, "72", padding + "#### 72").reason());
    }

    @Test
    void formatScoreAppliesToExtractedButWrongAnswers() throws Exception {
        NumericVerifier v = new NumericVerifier();
        var f = NumericVerifier.class.getDeclaredField("formatScore");
        f.setAccessible(true);
        f.setDouble(v, 0.1);
        v.postConfig();
        assertEquals(0.1, check(v, "7", "\\boxed{8}").score());
        assertEquals(0.0, check(v, "7", "no box").score());
        assertEquals(1.0, check(v, "7", "\\boxed{7}").score());
    }

    @Test
    void hostileInputsAreBoundedAndFast() {
        String megaDigits = "9".repeat(1 << 20);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            assertEquals(Reason.UNPARSEABLE, check(DEFAULT, "7", "\\boxed{" + megaDigits + "}").reason());
            assertEquals(Reason.UNPARSEABLE, check(DEFAULT, "7", "\\boxed{1e999999999}").reason());
            assertEquals(Reason.UNPARSEABLE, check(DEFAULT, "7", "\\boxed{1e99999999999999999999}").reason());
            String nested = "\\boxed{" + "{".repeat(10_000) + "7" + "}".repeat(10_000) + "}";
            assertEquals(Reason.UNPARSEABLE, check(DEFAULT, "7", nested).reason());
            assertEquals(Reason.UNPARSEABLE, check(DEFAULT, "7", "\\boxed{" + "{".repeat(10_000)).reason());
            // the fallback reads a 300-character tail: a 300-digit number, wrong but harmless
            RewardResult r = check(FALLBACK, "7", megaDigits);
            assertEquals(Reason.WRONG, r.reason());
            assertEquals(0.0, r.score());
            assertEquals(Reason.NO_ANSWER, check(DEFAULT, "7", "#".repeat(1 << 20)).reason());
        });
    }

    @Test
    void needsAnExtractionStep() {
        assertThrows(PropertyException.class, () -> new NumericVerifier(false, false, false));
    }
}
