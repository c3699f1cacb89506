package org.ead4j.advantage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReinforcePlusPlusBaselineAdvantageTest {

    @Test
    void matchesHandComputedTokenWeightedWhitening() {
        double[][] rewards = {{1, 0}, {0.5, 0.5}};
        int[][] lengths = {{2, 4}, {3, 1}};
        // centred: {0.5, -0.5}, {0, 0}; N = 10 tokens; mu = (2 * 0.5 - 4 * 0.5) / 10 = -0.1
        // deviations 0.6, -0.4, 0.1, 0.1; var = (2 * 0.36 + 4 * 0.16 + 3 * 0.01 + 0.01) / 9 = 1.4 / 9
        double sd = Math.sqrt(1.4 / 9 + 1e-8);
        double[][] adv = new ReinforcePlusPlusBaselineAdvantage().advantages(rewards, lengths);
        assertArrayEquals(new double[]{0.6 / sd, -0.4 / sd}, adv[0], 1e-12);
        // the all-equal group is 0 after the baseline, then shifted by the batch whitening (as in verl)
        assertArrayEquals(new double[]{0.1 / sd, 0.1 / sd}, adv[1], 1e-12);
    }

    @Test
    void equalLengthsGiveThePlainWhitenedGroupAdvantage() {
        double[][] rewards = {{1, 0, 0}, {2, 4}, {7}};
        int[][] lengths = {{5, 5, 5}, {5, 5}, {5}};
        // centred: {2/3, -1/3, -1/3}, {-1, 1}, {0} (singleton); mean 0; var over tokens = 5 * sum c^2 / (30 - 1)
        double sumSq = 4.0 / 9 + 1.0 / 9 + 1.0 / 9 + 1 + 1;
        double sd = Math.sqrt(5 * sumSq / 29 + 1e-8);
        double[][] adv = new ReinforcePlusPlusBaselineAdvantage().advantages(rewards, lengths);
        assertArrayEquals(new double[]{2.0 / 3 / sd, -1.0 / 3 / sd, -1.0 / 3 / sd}, adv[0], 1e-12);
        assertArrayEquals(new double[]{-1 / sd, 1 / sd}, adv[1], 1e-12);
        assertArrayEquals(new double[]{0}, adv[2], 1e-12);
    }

    @Test
    void allEqualBatchIsZeroAndBadInputIsNamed() {
        double[][] adv = new ReinforcePlusPlusBaselineAdvantage()
                .advantages(new double[][]{{1, 1}, {0, 0}}, new int[][]{{3, 4}, {1, 2}});
        assertArrayEquals(new double[]{0, 0}, adv[0], 0);
        assertArrayEquals(new double[]{0, 0}, adv[1], 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReinforcePlusPlusBaselineAdvantage().advantages(new double[][]{{1, 0}}, null));
        assertTrue(e.getMessage().contains("responseLengthsByGroup must be given"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ReinforcePlusPlusBaselineAdvantage().advantages(new double[][]{{1}}, new int[][]{{1}}));
        assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ReinforcePlusPlusBaselineAdvantage().advantages(new double[][]{{1, 0}}, new int[][]{{1}}));
        assertTrue(e.getMessage().contains("group 0 has 2 rewards but 1 lengths"), e.getMessage());
    }
}
