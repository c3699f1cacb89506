package org.ead4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BootstrapTest {

    @Test
    void thousandDrawsLandWithinSamplingErrorOfTheGoldenExpectations() {
        for (double[] row : GoldenValues.ROWS) {
            int n = (int) row[0], c = (int) row[1], k = (int) row[2];
            Bootstrap.Result b = Bootstrap.run(GoldenValues.rewards(n, c), null, k, 1000,
                    new SplittableRandom(42 + 1000L * n + 100L * c + k));
            // a draw's max is 0/1 with mean p: the mean of 1000 draws has std sqrt(p(1-p)/1000) <= 0.0159;
            // 5 sigma (plus 1e-9 for p in {0, 1}) fails a correct implementation with odds below 1e-6
            double pBest = row[5];
            double pWorst = row[6];
            assertEquals(pBest, b.bestMean(), 5 * Math.sqrt(pBest * (1 - pBest) / 1000) + 1e-9, "best n=" + n + " c=" + c + " k=" + k);
            assertEquals(pWorst, b.worstMean(), 5 * Math.sqrt(pWorst * (1 - pWorst) / 1000) + 1e-9, "worst n=" + n + " c=" + c + " k=" + k);
            // the reported std is the population std of the 0/1 draws: sqrt(m(1-m))
            assertEquals(Math.sqrt(b.bestMean() * (1 - b.bestMean())), b.bestStd(), 1e-9);
        }
    }

    @Test
    void theHeadlineBiasIsVisible() {
        // 1 correct of 4: pass@4 = 1, but verl's bootstrap best@4 is about 0.684 (rlvr-peers.md Sec. 3 item 19)
        Bootstrap.Result b = Bootstrap.run(GoldenValues.rewards(4, 1), null, 4, 1000, new SplittableRandom(1));
        assertTrue(b.bestMean() < 0.75 && b.bestMean() > 0.62, "best@4 bootstrap " + b.bestMean());
        assertEquals(1.0, PassAtK.passAtK(4, 1, 4));
    }

    @Test
    void sameSeedSameNumbers() {
        double[] r = {0.1, 0.7, 0.3, 1.0, 0.0};
        String[] answers = {"a", "b", "a", "c", null};
        MajorityVote v = new MajorityVote(answers, new double[]{0, 1, 0, 1, 0});
        assertEquals(Bootstrap.run(r, v, 3, 500, new SplittableRandom(9)), Bootstrap.run(r, v, 3, 500, new SplittableRandom(9)));
    }
}
