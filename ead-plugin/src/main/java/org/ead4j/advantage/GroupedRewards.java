package org.ead4j.advantage;

/** Input checks and group statistics shared by the estimators; messages name the group and index. */
final class GroupedRewards {

    private GroupedRewards() {
    }

    /**
     * Checks the rewards (and, when {@code needLengths}, the lengths) and returns the group count.
     */
    static int check(String estimator, double[][] rewards, int[][] lengths, boolean needLengths) {
        if (rewards == null) {
            throw new IllegalArgumentException(estimator + ": rewardsByGroup is null");
        }
        if (needLengths && lengths == null) {
            throw new IllegalArgumentException(estimator + " weights responses by their token count: "
                    + "responseLengthsByGroup must be given");
        }
        if (lengths != null && lengths.length != rewards.length) {
            throw new IllegalArgumentException(estimator + ": " + rewards.length + " reward groups but "
                    + lengths.length + " length groups");
        }
        for (int g = 0; g < rewards.length; g++) {
            if (rewards[g] == null || rewards[g].length == 0) {
                throw new IllegalArgumentException(estimator + ": group " + g + " has no responses");
            }
            for (int i = 0; i < rewards[g].length; i++) {
                if (!Double.isFinite(rewards[g][i])) {
                    throw new IllegalArgumentException(estimator + ": reward of response " + i + " in group " + g
                            + " is " + rewards[g][i] + "; rewards must be finite");
                }
            }
            if (lengths != null) {
                if (lengths[g] == null || lengths[g].length != rewards[g].length) {
                    throw new IllegalArgumentException(estimator + ": group " + g + " has " + rewards[g].length
                            + " rewards but " + (lengths[g] == null ? 0 : lengths[g].length) + " lengths");
                }
                for (int i = 0; i < lengths[g].length; i++) {
                    if (lengths[g][i] < 0) {
                        throw new IllegalArgumentException(estimator + ": length of response " + i + " in group "
                                + g + " is " + lengths[g][i] + "; must be >= 0");
                    }
                }
            }
        }
        return rewards.length;
    }

    /** True when every reward of the group is the same number. */
    static boolean allEqual(double[] r) {
        for (double x : r) {
            if (x != r[0]) {
                return false;
            }
        }
        return true;
    }

    static double mean(double[] r) {
        double s = 0;
        for (double x : r) {
            s += x;
        }
        return s / r.length;
    }

    /** Unbiased (n - 1) standard deviation, as {@code torch.std}; requires n &gt;= 2. */
    static double unbiasedStd(double[] r, double mean) {
        double s = 0;
        for (double x : r) {
            s += (x - mean) * (x - mean);
        }
        return Math.sqrt(s / (r.length - 1));
    }
}
