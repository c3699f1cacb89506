package org.ead4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MajorityVoteTest {

    private static double voteAll(String[] answers, double[] values) {
        return new MajorityVote(answers, values).voteAll();
    }

    @Test
    void mostVotesWin() {
        assertEquals(1.0, voteAll(new String[]{"7", "3", "7"}, new double[]{1, 0, 1}));
        assertEquals(0.0, voteAll(new String[]{"3", "7", "3"}, new double[]{0, 1, 0}));
    }

    @Test
    void tieGoesToTheAnswerVotedForFirst() {
        // 2 votes each: "3" was voted for first, so it wins although "7" is correct
        assertEquals(0.0, voteAll(new String[]{"3", "7", "7", "3"}, new double[]{0, 1, 1, 0}));
        assertEquals(1.0, voteAll(new String[]{"7", "3", "3", "7"}, new double[]{1, 0, 0, 1}));
        // a later answer must strictly overtake: "3" catching up with "7" is only a tie
        assertEquals(1.0, voteAll(new String[]{"7", "3", "7", "3"}, new double[]{1, 0, 1, 0}));
        assertEquals(0.0, voteAll(new String[]{"7", "3", "3"}, new double[]{1, 0, 0}));
        assertEquals(1.0, voteAll(new String[]{"a", "b"}, new double[]{1, 0}));
        assertEquals(0.0, voteAll(new String[]{"b", "a"}, new double[]{0, 1}));
    }

    @Test
    void scoreIsTheFirstResponseWithTheWinningAnswer() {
        // verl's calc_maj_val returns vote2vals[maj_vote][0]
        assertEquals(0.5, voteAll(new String[]{"x", "x", "y"}, new double[]{0.5, 1.0, 0.0}));
    }

    @Test
    void missingAnswersDoNotVote() {
        assertEquals(1.0, voteAll(new String[]{null, null, "7"}, new double[]{0, 0, 1}));
        assertEquals(0.0, voteAll(new String[]{null, null}, new double[]{1, 1}));
    }

    @Test
    void bootstrapVisitsDrawsInDrawOrder() {
        MajorityVote v = new MajorityVote(new String[]{"a", "b"}, new double[]{1, 0});
        int[] counts = new int[2];
        int[] first = new int[2];
        assertEquals(0.0, v.vote(new int[]{1, 0}, 2, counts, first), "tie: b drawn first");
        assertEquals(1.0, v.vote(new int[]{1, 0, 0}, 3, counts, first));
        assertEquals(1.0, v.vote(new int[]{0, 1}, 2, counts, first));
    }

    @Test
    void expectedVoteEnumeratesSubsetsAndSamplesWhenLarge() {
        String[] answers = {"7", "3", "7", null, "3", "3", "7", "9"};
        double[] acc = {1, 0, 1, 0, 0, 0, 1, 0};
        MajorityVote v = new MajorityVote(answers, acc);
        for (int k = 1; k <= answers.length; k++) {
            double brute = 0;
            int count = 0;
            for (int mask = 0; mask < 1 << answers.length; mask++) {
                if (Integer.bitCount(mask) != k) {
                    continue;
                }
                int[] idx = new int[k];
                int j = 0;
                for (int i = 0; i < answers.length; i++) {
                    if ((mask >> i & 1) == 1) {
                        idx[j++] = i;
                    }
                }
                brute += v.vote(idx, k, new int[3], new int[3]);
                count++;
            }
            brute /= count;
            assertEquals(brute, v.expectedVote(k, 1_000_000, 1, new SplittableRandom(1)), 1e-12, "exact k=" + k);
            // forced sampling: 20000 random subsets, std of the mean <= 0.5/sqrt(20000) = 0.0035
            double sampled = v.expectedVote(k, 1, 20_000, new SplittableRandom(k));
            assertEquals(brute, sampled, 0.02, "sampled k=" + k);
        }
        assertEquals(v.voteAll(), v.expectedVote(answers.length, 10, 1, new SplittableRandom(1)), 0.0);
    }

    @Test
    void subsetCountIsExactAndCapped() {
        assertEquals(12870, MajorityVote.subsets(16, 8, 1_000_000));
        assertEquals(101, MajorityVote.subsets(64, 32, 100));
        assertEquals(1, MajorityVote.subsets(5, 5, 10));
    }
}
