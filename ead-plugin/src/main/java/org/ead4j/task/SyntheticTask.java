package org.ead4j.task;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.ead4j.data.Problem;

/**
 * A generated task: draws candidate problems from one {@link SplittableRandom} seeded with
 * {@code seed}, drops those whose canonical key was already drawn, and gives the first
 * {@code evalSize} distinct problems to the eval split and the next {@code trainSize} to the train
 * split. So the splits are disjoint, the same configuration always gives the same problems, and
 * the eval split does not change when only {@code trainSize} does.
 */
public abstract class SyntheticTask implements Task {

    /** Candidate draws allowed per requested problem before giving up (the space is too small). */
    private static final int ATTEMPTS_PER_PROBLEM = 100;

    /** Seed of the generator. */
    @Config(description = "Seed of the problem generator (SplittableRandom). Default: 1234.")
    protected long seed = 1234L;

    /** Number of training problems. */
    @Config(description = "Number of training problems. Range [0, 10000000]. Default: 1000.")
    protected int trainSize = 1000;

    /** Number of evaluation problems. */
    @Config(description = "Number of evaluation problems, disjoint from the training ones. Range [0, 10000000]. Default: 200.")
    protected int evalSize = 200;

    private List<Problem> train = List.of();
    private List<Problem> eval = List.of();

    /**
     * A drawn problem before it gets an id.
     *
     * @param key identifies the problem up to presentation (e.g. number order); duplicates are dropped
     * @param prompt the prompt
     * @param answer the ground truth
     * @param referenceSolution a full-reward response
     */
    protected record Candidate(String key, String prompt, String answer, String referenceSolution) {
    }

    /**
     * Draws one candidate.
     *
     * @param rng the generator's stream
     * @return a candidate, or null to skip this draw (e.g. an out-of-range target)
     */
    protected abstract Candidate draw(SplittableRandom rng);

    /** Validates the subclass's fields; called before generation. */
    protected abstract void validate();

    /**
     * Refuses a configured value outside [lo, hi], naming the field.
     *
     * @param field the field
     * @param value its value
     * @param lo the smallest allowed value
     * @param hi the largest allowed value
     * @param loName how the message names lo (a number, or the field it comes from)
     */
    protected final void range(String field, int value, int lo, int hi, String loName) {
        if (value < lo || value > hi) {
            throw new PropertyException(getClass().getSimpleName(), field, field + " = " + value
                    + " is invalid: must be in [" + loName + ", " + hi + "]");
        }
    }

    @Override
    public void postConfig() {
        checkSize("trainSize", trainSize);
        checkSize("evalSize", evalSize);
        validate();
        generate();
    }

    private void checkSize(String field, int value) {
        if (value < 0 || value > 10_000_000) {
            throw new PropertyException(getClass().getSimpleName(), field, field + " = " + value
                    + " is invalid: must be in [0, 10000000]");
        }
    }

    private void generate() {
        SplittableRandom rng = new SplittableRandom(seed);
        int wanted = evalSize + trainSize;
        long attempts = (long) ATTEMPTS_PER_PROBLEM * wanted + 1000;
        Set<String> seen = new HashSet<>();
        List<Problem> evalOut = new ArrayList<>(evalSize);
        List<Problem> trainOut = new ArrayList<>(trainSize);
        for (long a = 0; a < attempts && evalOut.size() + trainOut.size() < wanted; a++) {
            Candidate c = draw(rng);
            if (c == null || !seen.add(c.key())) {
                continue;
            }
            boolean isEval = evalOut.size() < evalSize;
            List<Problem> out = isEval ? evalOut : trainOut;
            String id = name() + "/" + (isEval ? "eval" : "train") + "/" + out.size();
            out.add(new Problem(id, c.prompt(), c.answer(), name(), c.referenceSolution()));
        }
        int found = evalOut.size() + trainOut.size();
        if (found < wanted) {
            throw new PropertyException(getClass().getSimpleName(), "trainSize", "only " + found
                    + " distinct problems found in " + attempts + " draws, but evalSize + trainSize = " + wanted
                    + ": lower trainSize/evalSize or widen the problem space (" + this + ")");
        }
        eval = List.copyOf(evalOut);
        train = List.copyOf(trainOut);
    }

    @Override
    public List<Problem> problems(Split split) {
        return split == Split.TRAIN ? train : eval;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Task");
    }
}
