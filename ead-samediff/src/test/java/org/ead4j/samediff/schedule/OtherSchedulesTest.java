package org.ead4j.samediff.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.junit.jupiter.api.Test;

class OtherSchedulesTest {

    @Test
    void constantIsConstantAndGreedyAtZero() {
        ConstantTemperature c = new ConstantTemperature(0.6);
        assertEquals(0.6, c.temperature(0, 0), 0);
        assertEquals(0.6, c.temperature(5000, 900), 0);
        assertTrue(c.isOffPolicy());
        assertFalse(new ConstantTemperature(1.0).isOffPolicy());
        assertEquals(0.0, new ConstantTemperature(0).temperature(3, 3), 0);
        assertThrows(PropertyException.class, () -> new ConstantTemperature(-0.5));
        assertThrows(PropertyException.class, () -> new ConstantTemperature(Double.NaN));
    }

    @Test
    void reverseAnnealingRisesFromTauMinToTauMax() {
        ReverseAnnealing r = new ReverseAnnealing(1.2, 0.1, 25, 5, 40000, 10, 20);
        assertEquals(1.0, r.temperature(9, 0), 0);
        assertEquals(0.1 + Math.exp(10.0 / 500) - 1, r.temperature(10, 0), 1e-15);
        double prev = 0;
        for (int t = 10; t < 2000; t++) {
            double tau = r.temperature(t, 0);
            assertTrue(tau >= prev - 1e-15, "non-decreasing at t=" + t);
            prev = tau;
        }
        // reaches tau_max at t = 500 ln(2.1) = 370.97, the mirror of EAD's floor
        assertTrue(r.temperature(370, 0) < 1.2);
        assertEquals(1.2, r.temperature(371, 0), 0);
        assertThrows(PropertyException.class, () -> new ReverseAnnealing(1.2, 1.3, 25, 5, 40000, 10, 20));
    }

    @Test
    void presetsByName() {
        assertEquals(1.0, SchedulePreset.fromName("paper").create().positionScale(), 0);
        assertEquals(20.0, SchedulePreset.fromName("released-code").create().positionScale(), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SchedulePreset.fromName("fast"));
        assertTrue(e.getMessage().contains("paper, released-code"));
    }
}
