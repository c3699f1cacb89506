package org.ead4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ead4j.examples.quickstart.QuickstartExperiment;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduleExampleTest {

    @Test
    void presetsMatchTheFormulaByHand() {
        Map<String, ExploratoryAnnealing> s = ScheduleExample.schedules();
        assertEquals(List.of("paper", "released-code", "task-scaled"), List.copyOf(s.keySet()));
        // tau_t = max(1 + 1.2 - exp(t / (k * d_s)), 0.1) for t >= c, d_s = 25 + 5 s
        assertEquals(2.2 - Math.exp(10.0 / 25), s.get("paper").temperature(10, 0), 1e-9);
        assertEquals(2.2 - Math.exp(12.0 / (25 + 5 * 10)), s.get("paper").temperature(12, 10), 1e-9);
        assertEquals(2.2 - Math.exp(10.0 / (20 * 25)), s.get("released-code").temperature(10, 0), 1e-9);
        assertEquals(2.2 - Math.exp(200.0 / (20 * (25 + 5 * 100))), s.get("released-code").temperature(200, 100), 1e-9);
        assertEquals(1.0, s.get("paper").temperature(9, 0), 0.0, "warm-up c = 10");
        assertEquals(0.1, s.get("paper").temperature(800, 0), 0.0, "floor tau_min");
    }

    @Test
    void taskScaledScheduleReachesTauMinAtTheLastToken() {
        ExploratoryAnnealing s = ScheduleExample.taskScaled(12);
        double d0 = 12 / Math.log(2.1);
        assertEquals(d0, s.d0(), 1e-12);
        assertEquals(1.0, s.temperature(0, 0), 0.0, "warm-up c = 1");
        assertEquals(2.2 - Math.exp(1 / d0), s.temperature(1, 0), 1e-9);
        assertTrue(s.temperature(1, 0) > 1 && s.temperature(3, 0) < 1, "explores (tau > 1) only for t = 1, 2 at step 0");
        assertTrue(s.temperature(11, 0) > 0.1 + 1e-3);
        assertEquals(0.1, s.temperature(12, 0), 1e-9);
        // the quickstart's hand-rounded choice is this rule for 12-token responses
        ExploratoryAnnealing quick = QuickstartExperiment.eadSchedule();
        assertEquals(quick.d0(), s.d0(), 0.5);
        assertEquals(quick.alpha(), s.alpha(), 0);
        assertEquals(quick.warmup(), s.warmup());
        assertEquals(quick.positionScale(), s.positionScale(), 0);
    }

    @Test
    void tableHasOneRowPerStep() {
        ExploratoryAnnealing released = ScheduleExample.schedules().get("released-code");
        double[][] t = ScheduleExample.table(released, List.of(0L, 10L), new int[]{0, 10, 91, 92});
        assertArrayEquals(new double[]{1.0, 2.2 - Math.exp(10.0 / 500), 2.2 - Math.exp(91.0 / 500), 2.2 - Math.exp(92.0 / 500)},
                t[0], 1e-9);
        assertTrue(t[0][2] > 1 && t[0][3] < 1, "released code at step 0: tau > 1 up to t = 91 (500 ln 1.2 = 91.2)");
        assertEquals(2.2 - Math.exp(92.0 / (20 * 75)), t[1][3], 1e-9);
    }

    @Test
    void printsTablesAndWritesOnePngPerSchedule(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<Path> pngs = ScheduleExample.run(dir.resolve("plots"), new PrintStream(buf, true, StandardCharsets.UTF_8));
        String text = buf.toString(StandardCharsets.UTF_8);
        assertEquals(3, pngs.size());
        for (Path p : pngs) {
            byte[] b = Files.readAllBytes(p);
            assertTrue(b.length > 5000 && b[0] == (byte) 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G', p + " is a PNG");
        }
        // paper row at step 0: t = 10 -> 2.2 - e^0.4 = 0.708, t = 20 -> floor 0.100
        assertTrue(text.contains("        0  1.000  1.000  1.000  1.000  0.708  0.584  0.100"), text);
        assertTrue(text.contains("t_tau_below_1=91.16"), "released-code: tau < 1 from t = 500 ln 1.2");
        assertTrue(text.contains("t_tau_min=12.0"), "task-scaled reaches tau_min at t = 12");
    }
}
