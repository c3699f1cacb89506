package org.ead4j.it.reliability;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.Arrays;
import org.ead4j.advantage.AdvantageEstimator;
import org.ead4j.advantage.GrpoAdvantage;

/**
 * Test-only fault injector for the numerical guards: GRPO advantages, except that calls
 * {@code poisonFromCall .. poisonFromCall + poisonCalls - 1} (1-based, counted per instance, i.e. per
 * JVM: in a fresh run without dynamic sampling call s is RL step s) return {@link #MARKER} everywhere.
 * {@link PoisonedLoss} turns the marker into a NaN/inf loss or gradient inside the graph; with another
 * loss the marker itself makes the loss overflow. With {@code lastGroupOnly} only the last group is
 * marked, so with several mini-batches the earlier ones of the step are clean.
 */
public class PoisonedAdvantage implements AdvantageEstimator {

    /** The advantage value that marks a poisoned batch (finite in float32). */
    public static final double MARKER = 1e30;

    @Config(description = "First poisoned call (1-based).")
    private int poisonFromCall = 3;

    @Config(description = "Number of consecutive poisoned calls.")
    private int poisonCalls = 1;

    @Config(description = "Poison only the last group (so only the last mini-batch of the step is non-finite).")
    private boolean lastGroupOnly = false;

    private final GrpoAdvantage base = new GrpoAdvantage();
    private int calls;

    /** For OLCUT. */
    public PoisonedAdvantage() {
    }

    @Override
    public synchronized double[][] advantages(double[][] rewardsByGroup, int[][] responseLengthsByGroup) {
        calls++;
        double[][] a = base.advantages(rewardsByGroup, responseLengthsByGroup);
        if (calls >= poisonFromCall && calls < poisonFromCall + poisonCalls) {
            for (int g = lastGroupOnly ? a.length - 1 : 0; g < a.length; g++) {
                Arrays.fill(a[g], MARKER);
            }
        }
        return a;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "AdvantageEstimator");
    }
}
