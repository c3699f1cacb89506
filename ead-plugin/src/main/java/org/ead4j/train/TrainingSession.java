package org.ead4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ead4j.cli.UserException;
import org.ead4j.data.Problem;
import org.ead4j.eval.Evaluator;
import org.ead4j.loss.ClipCovLoss;
import org.ead4j.metrics.GroupRewardStats;
import org.ead4j.metrics.MetricKeys;
import org.ead4j.metrics.ResponseLengthStats;
import org.ead4j.provenance.ContentHash;
import org.ead4j.provenance.ExperimentProvenance;
import org.ead4j.reward.BoundedVerifier;
import org.ead4j.reward.RewardResult;
import org.ead4j.rollout.PromptCodec;
import org.ead4j.rollout.Rollout;
import org.ead4j.rollout.RolloutEngine;
import org.ead4j.rollout.TrainingBatch;
import org.ead4j.run.AtomicFiles;
import org.ead4j.run.Checkpoint;
import org.ead4j.run.CheckpointStore;
import org.ead4j.run.FaultPoint;
import org.ead4j.run.JsonlLog;
import org.ead4j.run.RunDirectory;
import org.ead4j.samediff.decode.FinishReason;
import org.ead4j.samediff.decode.KvCacheDecoder;
import org.ead4j.samediff.io.PolicyCheckpoint;
import org.ead4j.samediff.ops.loss.LossDiagnostic;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.schedule.ConstantTemperature;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs an {@link RlvrTrainer} in a run directory: provenance first, then per RL step rollouts,
 * rewards, advantages and updates, one line per step in {@code steps.jsonl}, evaluations in
 * {@code eval.jsonl}, and checkpoints (policy, optimiser, reference policy, step) every
 * {@code checkpointEvery} steps. Resuming continues from the newest valid checkpoint; since all
 * randomness is a function of (seed, step, prompt slot in the step, sample), a resumed run ends with
 * the same weights as an uninterrupted one.
 *
 * <p>Per step the order is: step line, evaluation (if due), checkpoint (if due). A checkpoint at
 * step N therefore always follows every log line of step N, and a resume drops log lines after
 * the checkpoint's step so nothing is duplicated.
 */
public final class TrainingSession implements AutoCloseable {

    /** Checkpoint sub-folder holding the policy and its optimiser. */
    public static final String POLICY_DIR = "policy";
    /** Checkpoint sub-folder holding the frozen reference policy (KL runs only). */
    public static final String REFERENCE_DIR = "reference";
    /** Log field naming the first non-finite tensor of a step (loss, grad/NAME, logits, param/NAME). */
    public static final String GUARD_TENSOR = MetricKeys.GUARD_NON_FINITE_TENSOR;
    /** Log field: where the non-finite tensor appeared: rollout, update or eval. */
    public static final String GUARD_PHASE = MetricKeys.GUARD_NON_FINITE_PHASE;
    private static final String GUARD_ROLLOUT = "rollout";
    private static final String GUARD_EVAL = "eval";

    private final RlvrTrainer cfg;
    private final RunDirectory run;
    private final TrainingListener listener;
    private final PromptCodec codec;
    private final List<Problem> train;
    private final List<Problem> eval;
    private final int[][] trainPrompts;
    private final BoundedVerifier verifier;
    private final String datasetHash;
    private PolicyTransformer policy;
    private PolicyTransformer reference;
    private AdamW optimizer;
    private PolicyUpdater updater;
    private KvCacheDecoder decoder;
    private RolloutEngine engine;
    private ExperimentProvenance provenance;
    private long startStep = 1;
    private Map<String, Double> latestEval = Map.of();

    /** What a finished (or stopped) run reports. */
    public record Result(Path runDir, long completedSteps, String weightsSha256, Map<String, Double> finalEval,
                         boolean stoppedOnNonFinite) {
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrainingSession.class);

    private TrainingSession(RlvrTrainer cfg, RunDirectory run, TrainingListener listener) {
        this.cfg = cfg;
        this.run = run;
        this.listener = listener;
        this.codec = new PromptCodec(cfg.tokenizer());
        this.train = cfg.task().train();
        this.eval = cfg.task().eval();
        if (train.isEmpty()) {
            throw new IllegalArgumentException("task " + cfg.task().name() + " has no training problems");
        }
        this.trainPrompts = codec.prompts(train);
        int longest = 0;
        for (int i = 0; i < trainPrompts.length; i++) {
            longest = Math.max(longest, trainPrompts[i].length);
        }
        if (longest + cfg.maxResponseTokens() > cfg.policy().maxSeqLen()) {
            throw new IllegalArgumentException("the longest training prompt (" + longest + " tokens incl. BOS) plus "
                    + "maxResponseTokens (" + cfg.maxResponseTokens() + ") exceeds policy.maxSeqLen ("
                    + cfg.policy().maxSeqLen() + ")");
        }
        this.verifier = new BoundedVerifier(cfg.task().verifier(), cfg.verifierTimeoutMillis(), 2);
        this.datasetHash = datasetHash(train, eval);
    }

    /**
     * Trains in a new run directory.
     *
     * @param cfg the experiment
     * @param runDir the run directory (must not hold a run yet)
     * @param listener progress
     * @return the result
     * @throws IOException when the run directory cannot be written
     */
    public static Result start(RlvrTrainer cfg, Path runDir, TrainingListener listener) throws IOException {
        boolean existed = Files.isDirectory(runDir);
        RunDirectory run = RunDirectory.forNewRun(runDir, "the run folder");
        TrainingBudget.check(cfg);
        // the session checks the configuration before anything is created
        try (TrainingSession s = new TrainingSession(cfg, run, listener)) {
            try {
                run.createFolders();
                s.initFresh();
            } catch (IOException | RuntimeException e) {
                // nothing of value is written before the first step: leave no half-made run behind (the folder
                // was absent or empty, so everything in it is ours)
                s.closeQuietly();
                removeHalfMadeRun(runDir, existed);
                if (e instanceof IOException io) {
                    throw s.storageFailure(io);
                }
                throw (RuntimeException) e;
            }
            return s.loopReportingStorage();
        }
    }

    /**
     * Continues a run from its newest valid checkpoint (or from the start when there is none).
     *
     * @param cfg the experiment, rebuilt from the run's provenance
     * @param runDir the run directory
     * @param listener progress
     * @return the result
     * @throws IOException when the run directory cannot be read or written
     */
    public static Result resume(RlvrTrainer cfg, Path runDir, TrainingListener listener) throws IOException {
        RunDirectory run = RunDirectory.open(runDir);
        TrainingBudget.check(cfg);
        try (TrainingSession s = new TrainingSession(cfg, run, listener)) {
            s.provenance = run.readProvenance();
            Optional<Checkpoint> ck = run.checkpoints(cfg.keepCheckpoints).newestValidCheckpoint();
            if (ck.isPresent()) {
                s.initFromCheckpoint(ck.get());
            } else {
                listener.onMessage("no valid checkpoint in " + run.checkpointsDir() + "; starting from step 1");
                s.initWeights();
                run.truncateLogsAfter(-1);
            }
            s.provenance = s.provenance.withRunInfo("resumed-from-step", Long.toString(s.startStep - 1));
            try {
                run.writeProvenance(s.provenance);
            } catch (IOException e) {
                throw s.storageFailure(e);
            }
            return s.loopReportingStorage();
        }
    }

    private void closeQuietly() {
        try {
            run.close();
        } catch (IOException e) {
            LOG.warn("cannot close the logs of {}: {}", run.dir(), e.getMessage());
        }
    }

    private static void removeHalfMadeRun(Path runDir, boolean existed) {
        try {
            if (existed) {
                try (java.util.stream.Stream<Path> s = Files.list(runDir)) {
                    for (Path p : s.toList()) {
                        AtomicFiles.deleteTree(p);
                    }
                }
            } else {
                AtomicFiles.deleteTree(runDir);
            }
        } catch (IOException e) {
            LOG.warn("cannot remove the half-made run folder {}: {}", runDir, e.getMessage());
        }
    }

    private void initFresh() throws IOException {
        provenance = ExperimentProvenance.start(cfg, cfg.seed, datasetHash);
        run.writeProvenance(provenance);
        initWeights();
        provenance = provenance.withRunInfo("initial-weights-sha256", policy.weightsSha256());
        run.writeProvenance(provenance);
    }

    /** Initial weights: the initial model or checkpoint, or a fresh init plus the optional warm start. */
    private void initWeights() throws IOException {
        if (cfg.initialModel != null) {
            policy = InitialModel.load(cfg.initialModel);
            String sha = policy.weightsSha256();
            if (cfg.initialWeightsSha256 != null && !cfg.initialWeightsSha256.equals(sha)) {
                throw new IllegalArgumentException("initialModel '" + cfg.initialModel + "' has weights SHA-256 " + sha
                        + " but initialWeightsSha256 is " + cfg.initialWeightsSha256);
            }
        } else if (cfg.initialCheckpoint != null) {
            Path dir = Path.of(cfg.initialCheckpoint);
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("initialCheckpoint '" + dir + "' is not a directory");
            }
            try {
                policy = PolicyCheckpoint.load(dir, cfg.policy()).policy();
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("initialCheckpoint '" + dir + "' cannot be loaded: " + e.getMessage(), e);
            }
            String sha = policy.weightsSha256();
            if (cfg.initialWeightsSha256 != null && !cfg.initialWeightsSha256.equals(sha)) {
                throw new IllegalArgumentException("initialCheckpoint '" + dir + "' has weights SHA-256 " + sha
                        + " but initialWeightsSha256 is " + cfg.initialWeightsSha256);
            }
        } else {
            policy = new PolicyTransformer(cfg.policy());
            if (cfg.warmStart != null && cfg.warmStart.steps() > 0) {
                PolicyTransformer sft = new PolicyTransformer(cfg.policy());
                double loss = cfg.warmStart.run(sft, train, codec, cfg.seed, listener);
                copyWeights(sft, policy);
                listener.onMessage(String.format("warm start done: loss %.4f", loss));
            }
        }
        policy = LoraSetup.withAdapters(cfg.policy(), cfg.lora, policy);
        if (PolicyUpdater.needsReference(cfg.loss)) {
            reference = LoraSetup.reference(cfg.policy(), policy);
            if (reference == null) {
                reference = new PolicyTransformer(cfg.policy());
                copyWeights(policy, reference);
            }
        }
        optimizer = AdamW.fromProperties(cfg.optimizer.toProperties());
        wire();
    }

    private void initFromCheckpoint(Checkpoint ck) throws IOException {
        PolicyCheckpoint.Loaded loaded = PolicyCheckpoint.load(ck.dir().resolve(POLICY_DIR), cfg.policy());
        policy = loaded.policy();
        LoraSetup.checkResumed(cfg.lora, policy, ck.dir());
        optimizer = AdamW.fromProperties(cfg.optimizer.toProperties());
        if (loaded.optimizer() != null) {
            optimizer.restoreState(loaded.optimizer().stepCount(), loaded.optimizer().firstMoments(),
                    loaded.optimizer().secondMoments());
        }
        if (PolicyUpdater.needsReference(cfg.loss)) {
            reference = PolicyCheckpoint.load(ck.dir().resolve(REFERENCE_DIR), cfg.policy()).policy();
        }
        startStep = ck.step() + 1;
        run.truncateLogsAfter(ck.step());
        // the provenance's metrics are those of the last evaluation; without this a resume that has no step
        // left to run (killed after the last checkpoint) would record none
        latestEval = lastEvalMetrics(run.evalFile());
        FaultPoint.reached("resumed", ck.step());
        listener.onMessage("resuming after step " + ck.step() + " from " + ck.dir());
        wire();
    }

    private void wire() {
        updater = new PolicyUpdater(policy, cfg.loss, reference, cfg.maxResponseTokens());
        decoder = new KvCacheDecoder(policy, cfg.decoderOptions());
        engine = new RolloutEngine(decoder, cfg.sampler(), cfg.maxResponseTokens(),
                cfg.tokenizer().stopIds(), cfg.rolloutBatchRows());
    }

    /** {@link #loop}, with a failed write to the run folder turned into a {@link #storageFailure}. */
    private Result loopReportingStorage() throws IOException {
        try {
            return loop();
        } catch (IOException e) {
            throw storageFailure(e);
        }
    }

    /**
     * A failed write to the run folder (disk full, read-only file system, a file where a folder should be)
     * as a user error: what failed, that nothing written before is lost (logs are fsynced per line,
     * checkpoints renamed into place only when complete) and how to continue.
     */
    private UserException storageFailure(IOException e) {
        String what = e.getMessage() == null ? e.getClass().getSimpleName()
                : e instanceof FileSystemException f && f.getReason() == null
                ? e.getClass().getSimpleName() + ": " + e.getMessage() : e.getMessage();
        String newest;
        try {
            newest = run.checkpoints(cfg.keepCheckpoints).newestValidCheckpoint().map(c -> "step-" + c.step())
                    .orElse("none found in " + run.checkpointsDir());
        } catch (RuntimeException ex) {
            newest = "unknown (" + ex.getMessage() + ")";
        }
        return new UserException("cannot write to the run folder " + run.dir() + ": " + what + ". The run stopped; "
                + "nothing written before is lost (newest valid checkpoint: " + newest + "). Free disk space or fix "
                + "the folder, then continue with: ead train --resume " + run.dir(), e);
    }

    private Result loop() throws IOException {
        long steps = cfg.steps();
        PromptOrder order = new PromptOrder(cfg.seed, train.size(), cfg.promptsPerStep,
                cfg.dynamicSampling.batchesPerStep());
        boolean stopped = false;
        if (startStep == 1 && cfg.evalBeforeTraining && !eval.isEmpty()) {
            stopped = !evaluate(0);
        }
        listener.onPhase("rl", steps);
        long last = startStep - 1;
        for (long step = startStep; step <= steps && !stopped; step++) {
            Map<String, Object> record = step(step, order);
            run.steps().append(record);
            FaultPoint.reached("step-logged", step);
            listener.onStep("rl", step, record);
            // non-finite logits stop even under SKIP: the weights themselves are broken, skipping cannot recover
            if (record.containsKey(GUARD_TENSOR) && (cfg.onNonFinite == RlvrTrainer.NonFinitePolicy.STOP
                    || GUARD_ROLLOUT.equals(record.get(GUARD_PHASE)))) {
                listener.onMessage("step " + step + " produced a non-finite " + record.get(GUARD_TENSOR)
                        + " (" + record.get(GUARD_PHASE) + "); the step was not applied and the run stops (last good "
                        + "checkpoint kept)");
                stopped = true;
                break;
            }
            last = step;
            boolean lastStep = step == steps;
            if (!eval.isEmpty() && (lastStep || (cfg.evalEvery > 0 && step % cfg.evalEvery == 0))) {
                if (!evaluate(step)) {
                    stopped = true;
                    break;
                }
            }
            if (lastStep || (cfg.checkpointEvery > 0 && step % cfg.checkpointEvery == 0)) {
                checkpoint(step);
            }
        }
        if (steps == 0 && !stopped) {
            // a run without RL steps (e.g. a warm start alone) still leaves its weights behind
            if (!eval.isEmpty() && !cfg.evalBeforeTraining) {
                evaluate(0);
            }
            if (startStep == 1) {
                checkpoint(0);
            }
        }
        String sha = policy.weightsSha256();
        FaultPoint.reached("finished", last);
        provenance = provenance.withRunInfo("final-weights-sha256", sha)
                .withRunInfo("status", stopped ? "stopped: non-finite (see " + GUARD_TENSOR + " in the logs)" : "completed")
                .withProgress(last, latestEval);
        run.writeProvenance(provenance);
        return new Result(run.dir(), last, sha, latestEval, stopped);
    }

    private Map<String, Object> step(long step, PromptOrder order) {
        long t0 = System.nanoTime();
        int n = cfg.samplesPerPrompt;
        List<List<Rollout>> keptGroups = new ArrayList<>();
        List<double[]> keptRewards = new ArrayList<>();
        List<boolean[]> keptCorrect = new ArrayList<>();
        List<List<Rollout>> allGroups = new ArrayList<>();
        List<double[]> allRewards = new ArrayList<>();
        int batches = 0;
        int timeouts = 0;
        for (int b = 0; b < cfg.dynamicSampling.batchesPerStep(); b++) {
            batches++;
            int[] idx = order.prompts(step, b);
            int[][] prompts = new int[idx.length][];
            for (int i = 0; i < idx.length; i++) {
                prompts[i] = trainPrompts[idx[i]];
            }
            List<List<Rollout>> groups;
            try {
                groups = engine.generate(prompts, idx, order.slots(b), n, cfg.schedule, step, cfg.seed);
            } catch (IllegalArgumentException e) {
                Map<String, Object> rec = nonFiniteLogits(step, GUARD_ROLLOUT, e);
                rec.put(MetricKeys.ACTOR_UPDATES, 0);
                rec.put(MetricKeys.TIME_STEP_S, (System.nanoTime() - t0) / 1e9);
                return rec;
            }
            List<Problem> probs = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            for (int g = 0; g < groups.size(); g++) {
                for (Rollout r : groups.get(g)) {
                    probs.add(train.get(idx[g]));
                    texts.add(codec.response(r.response()));
                }
            }
            RewardResult[] results = verifier.verifyAll(probs, texts);
            FaultPoint.reached("rollout", step);
            for (int g = 0; g < groups.size(); g++) {
                double[] rewards = new double[n];
                boolean[] correct = new boolean[n];
                for (int j = 0; j < n; j++) {
                    RewardResult rr = results[g * n + j];
                    timeouts += rr.reason() == RewardResult.Reason.TIMEOUT ? 1 : 0;
                    Rollout ro = groups.get(g).get(j);
                    rewards[j] = rr.score() + cfg.overlongPenalty.penalty(ro.length(), cfg.maxResponseTokens());
                    correct[j] = rr.correct();
                }
                allGroups.add(groups.get(g));
                allRewards.add(rewards);
                if (!cfg.dynamicSampling.enabled() || DynamicSampling.informative(rewards)) {
                    if (keptGroups.size() < cfg.promptsPerStep) {
                        keptGroups.add(groups.get(g));
                        keptRewards.add(rewards);
                        keptCorrect.add(correct);
                    }
                }
            }
            if (!cfg.dynamicSampling.enabled() || keptGroups.size() >= cfg.promptsPerStep) {
                break;
            }
        }
        long tRollout = System.nanoTime();
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put(MetricKeys.STEP, step);
        for (Map.Entry<String, Double> e : cfg.schedule.stepParameters(step).entrySet()) {
            rec.put(MetricKeys.schedule(e.getKey()), e.getValue());
        }
        for (int t : new int[]{0, 10, 20, 50, 100}) {
            if (t < cfg.maxResponseTokens()) {
                rec.put(MetricKeys.scheduleTau(t), cfg.schedule.temperature(t, step));
            }
        }
        putRolloutStats(rec, allGroups, allRewards, keptGroups, keptCorrect, batches, timeouts);
        if (keptGroups.isEmpty()) {
            rec.put(MetricKeys.ACTOR_UPDATES, 0);
            rec.put(MetricKeys.TIME_ROLLOUT_S, (tRollout - t0) / 1e9);
            rec.put(MetricKeys.TIME_STEP_S, (System.nanoTime() - t0) / 1e9);
            return rec;
        }
        double[][] rewardsByGroup = keptRewards.toArray(new double[0][]);
        int[][] lengths = new int[keptGroups.size()][n];
        List<Rollout> flat = new ArrayList<>();
        for (int g = 0; g < keptGroups.size(); g++) {
            for (int j = 0; j < n; j++) {
                lengths[g][j] = keptGroups.get(g).get(j).length();
                flat.add(keptGroups.get(g).get(j));
            }
        }
        double[][] adv = cfg.advantage.advantages(rewardsByGroup, lengths);
        double[] flatAdv = new double[flat.size()];
        for (int g = 0; g < adv.length; g++) {
            System.arraycopy(adv[g], 0, flatAdv, g * n, n);
        }
        double constantTau = cfg.schedule instanceof ConstantTemperature
                ? ((ConstantTemperature) cfg.schedule).tau() : Double.NaN;
        TrainingBatch batch = TrainingBatch.of(flat, flatAdv, cfg.tokenizer().pad(), cfg.actorTemperature, constantTau);
        double warm = cfg.lrWarmupSteps > 0 ? Math.min(1.0, step / (double) cfg.lrWarmupSteps) : 1.0;
        double lr = optimizer.learningRate() * warm;
        long seed = cfg.seed;
        PolicyUpdater.Stats stats = updater.update(batch, optimizer, lr, cfg.ppoEpochs, cfg.miniBatches, cfg.microBatchRows,
                i -> ClipCovLoss.selectionKey(seed, step, (int) i),
                cfg.onNonFinite == RlvrTrainer.NonFinitePolicy.SKIP);
        decoder.syncWeights();
        FaultPoint.reached("update", step);
        long tUpdate = System.nanoTime();
        rec.putAll(stats.diagnostics());
        rec.put(MetricKeys.ACTOR_ENTROPY,
                stats.diagnostics().getOrDefault(LossDiagnostic.ENTROPY_MEAN.key(), Double.NaN));
        rec.put(MetricKeys.ACTOR_LOSS, stats.loss());
        rec.put(MetricKeys.ACTOR_GRAD_NORM, stats.gradNorm());
        rec.put(MetricKeys.ACTOR_LR, lr);
        rec.put(MetricKeys.ACTOR_UPDATES, stats.updates());
        if (stats.nonFinite() > 0) {
            rec.put(MetricKeys.GUARD_NON_FINITE_UPDATES, stats.nonFinite());
            rec.put(GUARD_TENSOR, stats.nonFiniteTensor());
            rec.put(GUARD_PHASE, "update");
        }
        rec.put(MetricKeys.TIME_ROLLOUT_S, (tRollout - t0) / 1e9);
        rec.put(MetricKeys.TIME_UPDATE_S, (tUpdate - tRollout) / 1e9);
        rec.put(MetricKeys.TIME_STEP_S, (tUpdate - t0) / 1e9);
        return rec;
    }

    private void putRolloutStats(Map<String, Object> rec, List<List<Rollout>> allGroups, List<double[]> allRewards,
                                 List<List<Rollout>> kept, List<boolean[]> keptCorrect, int batches, int timeouts) {
        GroupRewardStats rs = GroupRewardStats.of(allRewards.toArray(new double[0][]));
        rec.putAll(rs.toMap());
        int total = 0;
        int correct = 0;
        for (boolean[] c : keptCorrect) {
            for (boolean b : c) {
                total++;
                correct += b ? 1 : 0;
            }
        }
        rec.put(MetricKeys.ACC_MEAN, total == 0 ? Double.NaN : correct / (double) total);
        List<Integer> lens = new ArrayList<>();
        List<Boolean> trunc = new ArrayList<>();
        double tauMin = Double.POSITIVE_INFINITY;
        double tauMax = Double.NEGATIVE_INFINITY;
        double tauSum = 0;
        double diffSum = 0;
        double diffMax = 0;
        long tokens = 0;
        for (List<Rollout> g : allGroups) {
            for (Rollout r : g) {
                lens.add(r.length());
                trunc.add(r.finish() == FinishReason.LENGTH);
                for (int t = 0; t < r.length(); t++) {
                    double tau = r.tau()[t];
                    tauMin = Math.min(tauMin, tau);
                    tauMax = Math.max(tauMax, tau);
                    tauSum += tau;
                    double d = Math.abs(r.targetLogProb()[t] - r.behaviourLogProb()[t]);
                    diffSum += d;
                    diffMax = Math.max(diffMax, d);
                    tokens++;
                }
            }
        }
        int[] lenArr = lens.stream().mapToInt(Integer::intValue).toArray();
        boolean[] truncArr = new boolean[trunc.size()];
        for (int i = 0; i < truncArr.length; i++) {
            truncArr[i] = trunc.get(i);
        }
        rec.putAll(ResponseLengthStats.of(lenArr, truncArr).toMap());
        if (tokens > 0) {
            rec.put(MetricKeys.ROLLOUT_TAU_MIN, tauMin);
            rec.put(MetricKeys.ROLLOUT_TAU_MEAN, tauSum / tokens);
            rec.put(MetricKeys.ROLLOUT_TAU_MAX, tauMax);
            rec.put(MetricKeys.ROLLOUT_LOGP_DIFF_MEAN, diffSum / tokens);
            rec.put(MetricKeys.ROLLOUT_LOGP_DIFF_MAX, diffMax);
        }
        rec.put(MetricKeys.ROLLOUT_GEN_BATCHES, batches);
        rec.put(MetricKeys.ROLLOUT_GROUPS_KEPT, kept.size());
        rec.put(MetricKeys.ROLLOUT_VERIFIER_TIMEOUTS, timeouts);
    }

    /** Evaluates and logs; false when the logits were not finite (logged in eval.jsonl: the run must stop). */
    private boolean evaluate(long step) throws IOException {
        Evaluator.Result r;
        try {
            r = Evaluator.evaluate(cfg.evaluation(), engine, policy, eval, codec, verifier, cfg.seed, step);
        } catch (IllegalArgumentException e) {
            Map<String, Object> rec = nonFiniteLogits(step, GUARD_EVAL, e);
            run.eval().append(rec);
            listener.onMessage("evaluation at step " + step + " met a non-finite " + rec.get(GUARD_TENSOR) + " ("
                    + rec.get(MetricKeys.GUARD_DETAIL) + "); the run stops (last good checkpoint kept)");
            return false;
        }
        Map<String, Object> record = r.record(step);
        run.eval().append(record);
        FaultPoint.reached("eval-logged", step);
        Map<String, Double> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : record.entrySet()) {
            if (e.getValue() instanceof Double) {
                m.put(e.getKey(), (Double) e.getValue());
            }
        }
        latestEval = m;
        listener.onEval(step, record);
        return true;
    }

    private void checkpoint(long step) throws IOException {
        CheckpointStore store = run.checkpoints(cfg.keepCheckpoints);
        String sha = policy.weightsSha256();
        store.write(step, dir -> {
            PolicyCheckpoint.save(dir.resolve(POLICY_DIR), policy, optimizer);
            FaultPoint.reached("checkpoint-payload", step);
            if (reference != null) {
                PolicyCheckpoint.save(dir.resolve(REFERENCE_DIR), reference, null);
            }
            Files.writeString(dir.resolve("trainer-state.json"),
                    "{\"step\":" + step + ",\"weights_sha256\":\"" + sha + "\"}\n");
        });
        FaultPoint.reached("checkpoint-written", step);
        provenance = provenance.withProgress(step, latestEval);
        run.writeProvenance(provenance);
        listener.onMessage("checkpoint step-" + step + " written");
    }

    /**
     * The guard record of a sampling failure: the sampler rejects NaN/inf logits with an
     * IllegalArgumentException; the offending tensor is the first non-finite policy parameter if there is
     * one, else the logits themselves (an overflow in the forward pass). Other failures are rethrown.
     */
    private Map<String, Object> nonFiniteLogits(long step, String phase, IllegalArgumentException e) {
        String param = null;
        for (Map.Entry<String, INDArray> p : policy.parameters().entrySet()) {
            INDArray a = p.getValue();
            if (a.isNaN().any() || a.isInfinite().any()) {
                param = p.getKey();
                break;
            }
        }
        String msg = String.valueOf(e.getMessage());
        if (param == null && !msg.contains("logit")) {
            throw e;
        }
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put(MetricKeys.STEP, step);
        rec.put(GUARD_TENSOR, param != null ? "param/" + param : "logits");
        rec.put(GUARD_PHASE, phase);
        rec.put(MetricKeys.GUARD_DETAIL, msg);
        return rec;
    }

    /** The metrics of the last evaluation in eval.jsonl, as {@link #evaluate} keeps them (its Double fields). */
    private static Map<String, Double> lastEvalMetrics(Path evalFile) throws IOException {
        List<ObjectNode> records = JsonlLog.read(evalFile);
        for (int i = records.size() - 1; i >= 0; i--) {
            ObjectNode r = records.get(i);
            if (r.has(GUARD_TENSOR)) {
                continue;
            }
            Map<String, Double> m = new LinkedHashMap<>();
            r.fields().forEachRemaining(e -> {
                JsonNode v = e.getValue();
                if (v.isFloatingPointNumber()) {
                    m.put(e.getKey(), v.doubleValue());
                } else if (v.isTextual() && v.asText().matches("NaN|-?Infinity")) {
                    m.put(e.getKey(), Double.parseDouble(v.asText())); // Jackson writes non-finite doubles as text
                }
            });
            return m;
        }
        return Map.of();
    }

    /** @return the trained policy (for evaluation after {@link #start}) */
    PolicyTransformer policy() {
        return policy;
    }

    private static void copyWeights(PolicyTransformer from, PolicyTransformer to) {
        Map<String, INDArray> src = from.parameters();
        for (Map.Entry<String, INDArray> e : to.parameters().entrySet()) {
            e.getValue().assign(src.get(e.getKey()));
        }
    }

    /** SHA-256 over the problems' ids, prompts, answers and sources (the dataset's content). */
    private static String datasetHash(List<Problem> train, List<Problem> eval) {
        StringBuilder sb = new StringBuilder();
        for (List<Problem> split : List.of(train, eval)) {
            sb.append("#split\n");
            for (Problem p : split) {
                sb.append(p.id()).append('\t').append(p.prompt()).append('\t').append(p.answer()).append('\t')
                        .append(p.dataSource()).append('\n');
            }
        }
        return ContentHash.sha256(sb.toString());
    }

    @Override
    public void close() throws IOException {
        verifier.close();
        run.close();
    }
}
