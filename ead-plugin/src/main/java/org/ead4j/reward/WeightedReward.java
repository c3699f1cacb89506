package org.ead4j.reward;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.List;
import org.ead4j.data.Problem;

/**
 * A weighted sum of verifiers, as TRL's {@code reward_funcs} + {@code reward_weights}:
 * score = sum_i w_i * score_i. The first verifier is the primary (accuracy) one: the combined
 * result takes its reason and extracted answer, so correctness and maj@k voting follow it; the
 * detail lists every part.
 */
public class WeightedReward implements Verifier {

    private static final String NAME = "WeightedReward";

    @Config(mandatory = true, description = "The verifiers; the first is the primary (its reason and extracted answer are reported).")
    private List<Verifier> verifiers;

    @Config(mandatory = true, description = "One finite weight per verifier, e.g. [1.0, 0.1] for accuracy + format.")
    private double[] weights;

    /** For OLCUT. */
    public WeightedReward() {
    }

    /**
     * Creates a weighted sum.
     *
     * @param verifiers the verifiers, primary first
     * @param weights one weight per verifier
     */
    public WeightedReward(List<Verifier> verifiers, double[] weights) {
        this.verifiers = List.copyOf(verifiers);
        this.weights = weights.clone();
        postConfig();
    }

    @Override
    public void postConfig() {
        if (verifiers == null || verifiers.isEmpty()) {
            throw new PropertyException(NAME, "verifiers", "verifiers is empty: give at least one verifier");
        }
        if (weights == null || weights.length != verifiers.size()) {
            throw new PropertyException(NAME, "weights", "weights has " + (weights == null ? 0 : weights.length)
                    + " entries: give one per verifier (" + verifiers.size() + ")");
        }
        for (int i = 0; i < weights.length; i++) {
            VerifierChecks.finiteScore(NAME, "weights[" + i + "]", weights[i]);
        }
    }

    @Override
    public RewardResult verify(Problem problem, String response) {
        double score = 0;
        RewardResult primary = null;
        StringBuilder detail = new StringBuilder();
        for (int i = 0; i < verifiers.size(); i++) {
            RewardResult r = verifiers.get(i).verify(problem, response);
            if (i == 0) {
                primary = r;
            } else {
                detail.append("; ");
            }
            score += weights[i] * r.score();
            detail.append(verifiers.get(i).getClass().getSimpleName()).append(": ").append(r.detail());
        }
        return new RewardResult(score, primary.reason(), primary.extracted(), detail.toString());
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Verifier");
    }
}
