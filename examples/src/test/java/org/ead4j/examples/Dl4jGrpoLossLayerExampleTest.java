package org.ead4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class Dl4jGrpoLossLayerExampleTest {

    @Test
    void grpoLossLayerLearnsTheSuccessorBandit() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        double accuracy = Dl4jGrpoLossLayerExample.run(30, 42, new PrintStream(buf, true, StandardCharsets.UTF_8));
        List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(" step  reward@tau=1.3  greedy accuracy", lines.get(0));
        // rows at steps 0, 5, ..., 25 and the last step 29
        assertEquals(1 + 6 + 1, lines.size(), lines::toString);
        double first = Double.parseDouble(lines.get(1).trim().split("\\s+")[2]);
        // 10 answers: a random policy names the successor for ~1 digit in 10; GRPO should fix most
        assertTrue(first <= 0.3, "untrained accuracy " + first);
        assertTrue(accuracy >= 0.7, "accuracy after 30 steps " + accuracy);
    }
}
