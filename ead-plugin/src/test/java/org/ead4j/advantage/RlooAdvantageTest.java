package org.ead4j.advantage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RlooAdvantageTest {

    @Test
    void matchesHandComputedTable() {
        double[][] rewards = {{1, 0, 0, 0}, {1, 0, 0, 1}, {3, 1}, {0.1, 0.1, 0.1}};
        // baseline = mean of the other responses: {0; 1/3, 1/3, 1/3}, {1/3; 2/3, 2/3; 1/3}, {1; 3}
        double[][] expected = {{1, -1.0 / 3, -1.0 / 3, -1.0 / 3}, {2.0 / 3, -2.0 / 3, -2.0 / 3, 2.0 / 3}, {2, -2},
                {0, 0, 0}};
        double[][] adv = new RlooAdvantage().advantages(rewards, null);
        for (int g = 0; g < expected.length; g++) {
            assertArrayEquals(expected[g], adv[g], 1e-15, "group " + g);
        }
        assertArrayEquals(new double[]{0, 0, 0}, adv[3], 0);
    }

    @Test
    void singletonGroupIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RlooAdvantage().advantages(new double[][]{{1, 0}, {1}}, null));
        assertTrue(e.getMessage().contains("group 1 has 1 response") && e.getMessage().contains("at least 2"),
                e.getMessage());
    }
}
