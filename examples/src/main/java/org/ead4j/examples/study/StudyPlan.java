package org.ead4j.examples.study;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.ead4j.loss.PolicyLoss;
import org.ead4j.train.RlvrTrainer;

/**
 * Turns a {@link StudyConfig} into runs: the warm start, then one run per (method, loss, seed) and,
 * when asked, per (ablation, ablation loss, seed). Every run's trainer is a fresh copy of the
 * template with its schedule, loss (plus TIS for EAD + TIS), seed and initial checkpoint replaced,
 * so runs that differ in the method differ in nothing else. Runs are ordered seed by seed, so a
 * study stopped early still holds complete seeds.
 */
public final class StudyPlan {

    /** Id of the warm-start run. */
    public static final String WARM_START_ID = "warm-start";

    /** What a run is for. */
    public enum Kind {
        /** The supervised warm start (0 RL steps). */
        WARM_START,
        /** A cell of the methods x losses x seeds grid. */
        MAIN,
        /** A schedule ablation. */
        ABLATION
    }

    /**
     * One planned run.
     *
     * @param id directory and file name, e.g. {@code ead__dapo__s1}
     * @param kind what it is for
     * @param method the method (or ablation) label
     * @param loss the loss label
     * @param seed the run seed
     * @param trainer its experiment
     */
    public record Run(String id, Kind kind, String method, String loss, long seed, RlvrTrainer trainer) {
    }

    private StudyPlan() {
    }

    /**
     * The warm-start experiment: the template with the warm start, 0 RL steps and an evaluation
     * before training (step 0), which leaves {@code checkpoints/step-0/policy}.
     *
     * @param cfg the study
     * @return the warm-start run
     */
    public static Run warmStart(StudyConfig cfg) {
        RlvrTrainer t = ComponentCopies.copy(cfg.trainer(), RlvrTrainer.class,
                Map.of("steps", "0", "seed", Long.toString(cfg.warmStartSeed()), "evalEvery", "0",
                        "evalBeforeTraining", "true", "checkpointEvery", "0"),
                Map.of("warmStart", cfg.warmStart()), Set.of("initialCheckpoint", "initialWeightsSha256"));
        return new Run(WARM_START_ID, Kind.WARM_START, "warm start", "", cfg.warmStartSeed(), t);
    }

    /**
     * The RL runs, all starting from the warm start's checkpoint.
     *
     * @param cfg the study
     * @param warmPolicyDir the warm start's policy checkpoint directory (absolute)
     * @param warmSha its weights SHA-256
     * @param withAblations whether to add the ablation runs
     * @return the runs, seed by seed
     */
    public static List<Run> runs(StudyConfig cfg, String warmPolicyDir, String warmSha, boolean withAblations) {
        List<Run> out = new ArrayList<>();
        for (long seed : cfg.seeds()) {
            for (StudyLoss loss : cfg.losses()) {
                for (StudyArm m : cfg.methods()) {
                    out.add(run(Kind.MAIN, m, loss, seed, cfg, warmPolicyDir, warmSha));
                }
            }
            if (withAblations) {
                for (StudyArm a : cfg.ablations()) {
                    out.add(run(Kind.ABLATION, a, cfg.ablationLoss(), seed, cfg, warmPolicyDir, warmSha));
                }
            }
        }
        return out;
    }

    private static Run run(Kind kind, StudyArm arm, StudyLoss loss, long seed, StudyConfig cfg, String warmPolicyDir,
                           String warmSha) {
        PolicyLoss l = arm.importanceSampling() == null ? loss.loss()
                : ComponentCopies.copy(loss.loss(), PolicyLoss.class, Map.of(),
                        Map.of("importanceSampling", arm.importanceSampling()), Set.of());
        RlvrTrainer t = ComponentCopies.copy(cfg.trainer(), RlvrTrainer.class, Map.of("seed", Long.toString(seed)),
                Map.of("schedule", arm.schedule(), "loss", l), Set.of("warmStart"));
        t.withInitialCheckpoint(warmPolicyDir, warmSha);
        String id = (kind == Kind.ABLATION ? "ablation-" : "") + runId(arm.label(), loss.label(), seed);
        return new Run(id, kind, arm.label(), loss.label(), seed, t);
    }

    /**
     * The id of a grid cell.
     *
     * @param method method label
     * @param loss loss label
     * @param seed seed
     * @return e.g. {@code ead-tis__dapo__s3}
     */
    public static String runId(String method, String loss, long seed) {
        return slug(method) + "__" + slug(loss) + "__s" + seed;
    }

    /**
     * The key that pairs runs across methods: same loss, same seed.
     *
     * @param loss loss label
     * @param seed seed
     * @return e.g. {@code DAPO/s3}
     */
    public static String pairKey(String loss, long seed) {
        return loss + "/s" + seed;
    }

    /**
     * A file-name-safe form of a label: lower case, runs of other characters as one '-'.
     *
     * @param label the label
     * @return e.g. {@code tau-0-6} for {@code tau=0.6}
     */
    public static String slug(String label) {
        String s = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return s.isEmpty() ? "x" : s;
    }
}
