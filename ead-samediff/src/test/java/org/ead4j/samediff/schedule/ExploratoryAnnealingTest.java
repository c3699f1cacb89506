package org.ead4j.samediff.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.junit.jupiter.api.Test;

/** Golden values of the paper's formula (k = 1) and the released code (k = 20), tau_max 1.2, tau_min 0.1, d0 25, alpha 5, c 10 (README's table). */
class ExploratoryAnnealingTest {

    private static final int[] T = {0, 9, 10, 20, 100, 500, 1000, 3000};

    private static void assertSchedule(ExploratoryAnnealing s, long step, double[] expected, double tol) {
        float[] table = new float[3001];
        s.temperatures(step, table);
        for (int i = 0; i < T.length; i++) {
            assertEquals(expected[i], s.temperature(T[i], step), tol, "t=" + T[i] + " step=" + step);
            assertEquals((float) s.temperature(T[i], step), table[T[i]], 0f, "vectorised form, t=" + T[i]);
        }
    }

    @Test
    void releasedCodeScaleStep0() {
        assertSchedule(SchedulePreset.RELEASED_CODE.create(), 0,
                new double[]{1, 1, 1.180, 1.159, 0.979, 0.1, 0.1, 0.1}, 5e-4);
    }

    @Test
    void releasedCodeScaleStep100() {
        assertSchedule(SchedulePreset.RELEASED_CODE.create(), 100,
                new double[]{1, 1, 1.199, 1.198, 1.190, 1.151, 1.100, 0.869}, 5e-4);
    }

    @Test
    void paperFormulaStep0HidesExplorationBehindWarmup() {
        ExploratoryAnnealing s = SchedulePreset.PAPER.create();
        assertSchedule(s, 0, new double[]{1, 1, 0.708, 0.1, 0.1, 0.1, 0.1, 0.1}, 5e-4);
        // tau crosses 1 at t = 25 ln 1.2 = 4.56 < c: every position after the warm-up is below 1
        for (int t = 10; t < 200; t++) {
            assertTrue(s.temperature(t, 0) < 1.0, "t=" + t);
        }
    }

    @Test
    void exactValuesAtEdges() {
        ExploratoryAnnealing s = new ExploratoryAnnealing(1.2, 0.1, 25, 5, 40000, 10, 20);
        // warm-up edge: t = c - 1 is 1, t = c is 2.2 - exp(10 / 500)
        assertEquals(1.0, s.temperature(9, 0), 0);
        assertEquals(2.2 - Math.exp(10.0 / 500), s.temperature(10, 0), 1e-15);
        // floor: tau_min from t >= 500 ln(2.1) = 370.97 on, not before
        assertEquals(2.2 - Math.exp(370.0 / 500), s.temperature(370, 0), 1e-15);
        assertTrue(s.temperature(370, 0) > 0.1);
        assertEquals(0.1, s.temperature(371, 0), 0);
        // step growth: d_s = 25 + 5 s
        assertEquals(525.0, s.decay(100), 0);
        assertEquals(2.2 - Math.exp(50.0 / (20 * 525)), s.temperature(50, 100), 1e-15);
    }

    @Test
    void decayIsCappedAtDMax() {
        ExploratoryAnnealing s = new ExploratoryAnnealing(1.2, 0.1, 25, 5, 100, 0, 1);
        assertEquals(95.0, s.decay(14), 0);
        assertEquals(100.0, s.decay(15), 0);
        assertEquals(100.0, s.decay(1_000_000), 0);
        assertEquals(2.2 - Math.exp(30.0 / 100), s.temperature(30, 1_000_000), 1e-15);
        // alpha = 0 freezes the schedule (the d0 = d_max ablation)
        ExploratoryAnnealing frozen = new ExploratoryAnnealing(1.2, 0.1, 25, 0, 25, 10, 20);
        assertEquals(frozen.temperature(200, 0), frozen.temperature(200, 5000), 0);
    }

    @Test
    void invalidParametersNameFieldValueAndRange() {
        assertMessage(() -> new ExploratoryAnnealing(0, 0.1, 25, 5, 40000, 10, 1), "tauMax = 0.0", "> 0");
        assertMessage(() -> new ExploratoryAnnealing(1.2, -0.1, 25, 5, 40000, 10, 1), "tauMin = -0.1", "> 0");
        assertMessage(() -> new ExploratoryAnnealing(1.2, 1.5, 25, 5, 40000, 10, 1), "tauMin = 1.5", "tauMax");
        assertMessage(() -> new ExploratoryAnnealing(1.2, 0.1, 0, 5, 40000, 10, 1), "d0 = 0.0", "> 0");
        assertMessage(() -> new ExploratoryAnnealing(1.2, 0.1, 25, -1, 40000, 10, 1), "alpha = -1.0", ">= 0");
        assertMessage(() -> new ExploratoryAnnealing(1.2, 0.1, 25, 5, 10, 10, 1), "dMax = 10.0", "d0");
        assertMessage(() -> new ExploratoryAnnealing(1.2, 0.1, 25, 5, 40000, -1, 1), "warmup = -1.0", ">= 0");
        assertMessage(() -> new ExploratoryAnnealing(1.2, 0.1, 25, 5, 40000, 10, 0), "positionScale = 0.0", "> 0");
        assertMessage(() -> new ExploratoryAnnealing(Double.NaN, 0.1, 25, 5, 40000, 10, 1), "tauMax = NaN", "finite");
        assertMessage(() -> new ExploratoryAnnealing(1.2, 0.1, 25, Double.POSITIVE_INFINITY, 40000, 10, 1),
                "alpha = Infinity", "finite");
    }

    static void assertMessage(Runnable r, String... fragments) {
        PropertyException e = assertThrows(PropertyException.class, r::run);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }
}
