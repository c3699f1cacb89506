package org.ead4j.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ead4j.data.Problem;
import org.ead4j.examples.quickstart.QuickstartExperiment;
import org.ead4j.reward.RewardResult;
import org.ead4j.rollout.PromptCodec;
import org.ead4j.rollout.Rollout;
import org.ead4j.rollout.RolloutEngine;
import org.ead4j.run.Checkpoint;
import org.ead4j.run.CheckpointStore;
import org.ead4j.run.RunDirectory;
import org.ead4j.samediff.decode.KvCacheDecoder;
import org.ead4j.samediff.io.PolicyCheckpoint;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.sampling.SamplerConfig;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.ead4j.task.CountdownTask;
import org.ead4j.tokenizer.CharTokenizer;
import org.ead4j.train.TrainingSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Samples a group of responses to one Countdown prompt with Exploratory Annealed Decoding and shows,
 * per generated token, the temperature tau_t it was sampled at, the behaviour log-prob
 * log pi(y_t; tau_t) (what the sampler drew from) and the target log-prob log pi(y_t; 1) (what the
 * learner trains). The two differ wherever tau_t != 1: EAD is off-policy, which is why its rollouts
 * carry both (for truncated importance sampling). A full forward pass of the policy recomputes the
 * behaviour log-probs to show that the KV-cache decoder and the training graph agree.
 *
 * <p>The policy is the quickstart's architecture, freshly initialised (its responses are noise) unless
 * {@code --checkpoint} names a trained one: a run directory (its newest checkpoint), a checkpoint folder
 * ({@code checkpoints/step-N}) or a policy checkpoint, e.g. the quickstart's warm start
 * {@code runs/quickstart/warm-start}.
 *
 * <p>Run (from the repository root, after {@code mvn -B -q -DskipTests package -pl examples -am}):
 * <pre>
 *   java -cp examples/target/examples-0.1.0-SNAPSHOT-cli.jar org.ead4j.examples.EadSamplingExample \
 *       [--checkpoint DIR] [--step S] [--n N] [--seed SEED] [--prompt I]
 * </pre>
 */
public final class EadSamplingExample {

    private EadSamplingExample() {
    }

    /**
     * Parses the options, samples and prints.
     *
     * @param args {@code --checkpoint DIR}, {@code --step S} (RL step driving d_s, default 0),
     *             {@code --n N} (group size, default 4), {@code --seed SEED} (default 42),
     *             {@code --prompt I} (index of the held-out Countdown prompt, default 0)
     * @throws IOException if the checkpoint cannot be read
     */
    public static void main(String[] args) throws IOException {
        Path checkpoint = null;
        long step = 0;
        int n = 4;
        long seed = 42;
        int promptIndex = 0;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--checkpoint" -> checkpoint = Path.of(require(args[i], value));
                case "--step" -> step = Long.parseLong(require(args[i], value));
                case "--n" -> n = Integer.parseInt(require(args[i], value));
                case "--seed" -> seed = Long.parseLong(require(args[i], value));
                case "--prompt" -> promptIndex = Integer.parseInt(require(args[i], value));
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; allowed: --checkpoint DIR, --step S, --n N, --seed SEED, --prompt I");
            }
            i++;
        }
        PolicyTransformer policy = checkpoint != null ? loadPolicy(checkpoint)
                : new PolicyTransformer(QuickstartExperiment.policy(seed));
        System.out.println(checkpoint != null ? "policy: " + checkpoint
                : "policy: freshly initialised (pass --checkpoint runs/quickstart/warm-start for a trained one)");
        run(policy, QuickstartExperiment.eadSchedule(), promptIndex, step, n, seed, System.out);
    }

    /**
     * Samples n responses to one held-out Countdown prompt and prints them token by token.
     *
     * @param policy the policy (character tokenizer vocabulary)
     * @param schedule the EAD schedule
     * @param promptIndex which of the quickstart task's 128 held-out prompts
     * @param step the RL step s (drives d_s and the random streams)
     * @param n group size
     * @param seed stream seed
     * @param out where the responses go
     * @return the sampled group, the prompt's problem, the rewards and the decoder-vs-forward check
     */
    public static Sample run(PolicyTransformer policy, ExploratoryAnnealing schedule, int promptIndex, long step, int n,
                             long seed, PrintStream out) {
        CharTokenizer tokenizer = new CharTokenizer();
        PromptCodec codec = new PromptCodec(tokenizer);
        CountdownTask task = QuickstartExperiment.task();
        if (promptIndex < 0 || promptIndex >= task.eval().size()) {
            throw new IllegalArgumentException("prompt index " + promptIndex + " is invalid: must be in [0, "
                    + (task.eval().size() - 1) + "]");
        }
        Problem problem = task.eval().get(promptIndex);
        int[] prompt = codec.prompt(problem);                       // BOS + prompt characters

        // the decoder copies the policy's weights; the engine samples token t with tau_t from the schedule's
        // step-s table, uniforms from the counter-based stream (seed, s, prompt index, sample index)
        KvCacheDecoder decoder = new KvCacheDecoder(policy);
        RolloutEngine engine = new RolloutEngine(decoder, new SamplerConfig(), 24, new int[]{tokenizer.eos()}, 256);
        List<Rollout> group = engine.generate(new int[][]{prompt}, new int[]{promptIndex}, n, schedule, step, seed)
                .get(0);

        out.println("schedule: " + schedule + ", step " + step + ": " + schedule.stepParameters(step));
        out.println("prompt: \"" + problem.prompt() + "\"   (a reference solution: " + problem.referenceSolution() + ")");
        double[] rewards = new double[n];
        for (Rollout r : group) {
            String text = codec.response(r.response());
            RewardResult reward = task.verifier().verify(problem, text);
            rewards[r.sampleIndex()] = reward.score();
            out.printf("%n[%d] \"%s\" -> reward %.0f (%s), %d tokens, finish %s%n", r.sampleIndex(), text, reward.score(),
                    reward.reason(), r.length(), r.finish());
            out.println("     t  token   tau_t   log pi(y;tau_t)   log pi(y;1)");
            double sumBehaviour = 0;
            double sumTarget = 0;
            for (int t = 0; t < r.length(); t++) {
                int id = r.response()[t];
                String token = tokenizer.isSpecial(id) ? (id == tokenizer.eos() ? "<eos>" : "<" + id + ">")
                        : "'" + tokenizer.token(id) + "'";
                out.printf("  %4d  %5s  %6.3f  %16.4f  %12.4f%n", t, token, r.tau()[t], r.behaviourLogProb()[t],
                        r.targetLogProb()[t]);
                sumBehaviour += r.behaviourLogProb()[t];
                sumTarget += r.targetLogProb()[t];
            }
            // the sequence-level importance weight pi(y; 1) / pi(y; tau), what TIS would truncate
            out.printf("  sum: log q = %.4f, log p = %.4f, sequence weight p/q = %.4g%n", sumBehaviour, sumTarget,
                    Math.exp(sumTarget - sumBehaviour));
        }
        double maxDiff = forwardCheck(policy, group);
        out.printf("%nfull forward pass vs decoder, behaviour log-probs: max |diff| = %.2e%n", maxDiff);
        return new Sample(problem, group, rewards, maxDiff);
    }

    /**
     * Recomputes every response's behaviour log-probs log pi(y_t; tau_t) with the policy's training graph
     * (one forward pass over prompt + response with 1/tau_t per position).
     *
     * @param policy the policy
     * @param group the rollouts
     * @return the largest absolute difference to the sampler's values
     */
    public static double forwardCheck(PolicyTransformer policy, List<Rollout> group) {
        double maxDiff = 0;
        for (Rollout r : group) {
            int p = r.prompt().length;
            int len = p + r.length() - 1;                    // inputs: prompt + response without its last token
            int[] tokens = new int[len];
            int[] targets = new int[len];
            float[] invTau = new float[len];
            java.util.Arrays.fill(invTau, 1f);
            for (int i = 0; i < len; i++) {
                tokens[i] = i < p ? r.prompt()[i] : r.response()[i - p];
                targets[i] = i + 1 < p ? r.prompt()[i + 1] : r.response()[i + 1 - p];
            }
            for (int t = 0; t < r.length(); t++) {
                invTau[p - 1 + t] = 1f / r.tau()[t];
            }
            Map<String, INDArray> in = new HashMap<>();
            in.put(PolicyTransformer.TOKENS, Nd4j.createFromArray(new int[][]{tokens}));
            in.put(PolicyTransformer.TARGETS, Nd4j.createFromArray(new int[][]{targets}));
            in.put(PolicyTransformer.INV_TAU, Nd4j.createFromArray(new float[][]{invTau}).castTo(policy.floatType()));
            INDArray tempered = policy.forward(in, PolicyTransformer.TEMPERED_LOG_PROBS)
                    .get(PolicyTransformer.TEMPERED_LOG_PROBS).castTo(DataType.DOUBLE);
            for (int t = 0; t < r.length(); t++) {
                maxDiff = Math.max(maxDiff, Math.abs(tempered.getDouble(0, p - 1 + t) - r.behaviourLogProb()[t]));
            }
        }
        return maxDiff;
    }

    /**
     * Loads a policy from a run directory (newest valid checkpoint), a checkpoint folder or a policy checkpoint.
     *
     * @param path the directory
     * @return the policy
     * @throws IOException if it cannot be read
     */
    public static PolicyTransformer loadPolicy(Path path) throws IOException {
        Path dir = path;
        if (Files.isRegularFile(path.resolve(RunDirectory.PROVENANCE))) {
            Checkpoint ck = RunDirectory.open(path).checkpoints(CheckpointStore.DEFAULT_KEEP_LAST).newestValidCheckpoint()
                    .orElseThrow(() -> new IllegalArgumentException(path + ": the run has no valid checkpoint"));
            dir = ck.dir().resolve(TrainingSession.POLICY_DIR);
        } else if (Files.isDirectory(path.resolve(TrainingSession.POLICY_DIR))) {
            dir = path.resolve(TrainingSession.POLICY_DIR);
        }
        return PolicyCheckpoint.load(dir).policy();
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    /**
     * What {@link #run} sampled.
     *
     * @param problem the prompt's problem
     * @param group the n rollouts, in sample order
     * @param rewards the verifier's score per rollout
     * @param forwardMaxDiff largest |log pi(y_t; tau_t)| difference between the decoder and a full forward pass
     */
    public record Sample(Problem problem, List<Rollout> group, double[] rewards, double forwardMaxDiff) {
    }
}
