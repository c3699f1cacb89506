package org.ead4j.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ead4j.data.Problem;
import org.ead4j.tokenizer.CharTokenizer;
import org.junit.jupiter.api.Test;

/** The character tokenizer's prompts keep their BOS; targets end in EOS; responses stop at a special token. */
class PromptCodecTest {

    @Test
    void charTokenizerPromptsStartWithBos() {
        CharTokenizer t = new CharTokenizer();
        PromptCodec c = new PromptCodec(t);
        Problem p = new Problem("p", "12+3=", "15", "arith", "15");
        assertArrayEquals(new int[]{CharTokenizer.BOS, t.id("1"), t.id("2"), t.id("+"), t.id("3"), t.id("=")}, c.prompt(p));
        assertArrayEquals(new int[]{t.id("1"), t.id("5"), CharTokenizer.EOS}, c.solution(p));
        assertEquals("15", c.response(new int[]{t.id("1"), t.id("5"), CharTokenizer.EOS, t.id("9")}));
        assertArrayEquals(new int[]{CharTokenizer.EOS}, t.stopIds());
    }
}
