package org.ead4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import org.junit.jupiter.api.Test;

class CharTokenizerTest {

    @Test
    void idsFollowTheAlphabetAfterThreeSpecials() {
        CharTokenizer t = new CharTokenizer();
        assertEquals(3 + CharTokenizer.TASK_ALPHABET.length(), t.vocabSize());
        assertEquals(26, t.vocabSize());
        assertEquals(0, t.pad());
        assertEquals(1, t.bos());
        assertEquals(2, t.eos());
        assertArrayEquals(new int[]{3, 3 + CharTokenizer.TASK_ALPHABET.indexOf('1'), 3 + CharTokenizer.TASK_ALPHABET.indexOf('=')},
                t.encode(" 1="));
        assertEquals("<eos>", t.token(2));
        assertEquals("7", t.token(t.id("7")));
        assertEquals(2, t.id("<eos>"));
        assertTrue(t.isSpecial(1));
        assertFalse(t.isSpecial(3));
    }

    @Test
    void roundTripsTaskTextsAndSkipsSpecialsOnDecode() {
        CharTokenizer t = new CharTokenizer();
        for (String s : new String[]{"12+34=46", "3 8 4>20:", "(8-3)*4=20", "17*5/(9-4)=17"}) {
            assertEquals(s, t.decode(t.encode(s)));
        }
        int[] ids = t.encode("3 8 4>20:(8-3)*4=20");
        int[] framed = new int[ids.length + 3];
        framed[0] = t.bos();
        System.arraycopy(ids, 0, framed, 1, ids.length);
        framed[ids.length + 1] = t.eos();
        framed[ids.length + 2] = t.pad();
        assertEquals("3 8 4>20:(8-3)*4=20", t.decode(framed));
        assertEquals("8-3", t.decode(ids, 10, 13));
    }

    @Test
    void unknownCharacterNamesCharacterAndIndex() {
        CharTokenizer t = new CharTokenizer();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.encode("12x3"));
        assertTrue(e.getMessage().contains("'x' (U+0078) at index 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t.encode("1\n2"));
        assertTrue(e.getMessage().contains("'\\n' (U+000A) at index 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[]{26}));
        assertThrows(IllegalArgumentException.class, () -> t.id("ab"));
    }

    @Test
    void printableAsciiCoversEnglishPrompts() {
        CharTokenizer t = new CharTokenizer(CharTokenizer.PRINTABLE_ASCII);
        assertEquals(3 + 95 + 2, t.vocabSize());
        String s = "Natalia sold clips to 48 of her friends.\nHow many? #### 72 \\boxed{72}";
        assertEquals(s, t.decode(t.encode(s)));
    }

    @Test
    void invalidAlphabetsAreRejected() {
        PropertyException e = assertThrows(PropertyException.class, () -> new CharTokenizer("ab a"));
        assertTrue(e.getMessage().contains("alphabet[3] = 'a' (U+0061) repeats alphabet[0]"), e.getMessage());
        assertThrows(PropertyException.class, () -> new CharTokenizer(""));
        assertThrows(PropertyException.class, () -> new CharTokenizer("a\uD83D"));
    }

    @Test
    void provenanceRebuildsTheSameTokenizer() {
        CharTokenizer t = new CharTokenizer("0123456789+=");
        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(ProvenanceUtil.extractConfiguration(t.getProvenance()));
        CharTokenizer back = (CharTokenizer) cm.lookupAll(Tokenizer.class).get(0);
        assertEquals("0123456789+=", back.alphabet());
        assertArrayEquals(t.encode("12+3="), back.encode("12+3="));
    }
}
