package org.ead4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ead4j.data.Problem;
import org.ead4j.eval.Evaluation;
import org.ead4j.eval.Evaluator;
import org.ead4j.reward.BoundedVerifier;
import org.ead4j.reward.CountdownStepsVerifier;
import org.ead4j.reward.CountdownVerifier;
import org.ead4j.reward.ExactMatchVerifier;
import org.ead4j.reward.NumericVerifier;
import org.ead4j.reward.Verifier;
import org.ead4j.rollout.PromptCodec;
import org.ead4j.rollout.RolloutEngine;
import org.ead4j.samediff.decode.KvCacheDecoder;
import org.ead4j.samediff.sampling.SamplerConfig;
import org.ead4j.task.ArithmeticTask;
import org.ead4j.task.CountdownStepsTask;
import org.ead4j.task.CountdownTask;
import org.ead4j.task.JsonlTask;
import org.ead4j.task.Task;
import org.ead4j.train.RlvrTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ead eval}: samples n responses per prompt from a checkpoint and prints pass@k and friends. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        header = "Evaluate a checkpoint: n samples per prompt, pass@k, worst@k, mean@k, maj@k, bootstrap best/worst@k.",
        description = {"Evaluation with --schedule ead is the paper's inference-time EAD.",
                "Data: the run's own evaluation split (default when --checkpoint is a run), a bundled --task, or a "
                + "JSONL --data file (id, prompt, answer[, data_source])."})
public class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    PolicySourceOptions source;

    @Option(names = "--data", paramLabel = "FILE.jsonl", description = "evaluation prompts as JSONL")
    Path data;

    @Option(names = "--task", paramLabel = "NAME", description = "a bundled task's evaluation split: countdown, countdown-steps or arithmetic")
    String task;

    @Option(names = "--verifier", paramLabel = "KIND", defaultValue = "numeric",
            description = "verifier for --data: numeric, exact, countdown or countdown-steps (default: ${DEFAULT-VALUE})")
    String verifierKind;

    @Option(names = "--n", paramLabel = "N", defaultValue = "16", description = "samples per prompt (default: ${DEFAULT-VALUE})")
    int n;

    @Option(names = "--k", paramLabel = "K,...", split = ",", defaultValue = "1,4,16",
            description = "k values, each <= n (default: ${DEFAULT-VALUE})")
    List<Integer> ks;

    @Option(names = "--max-prompts", paramLabel = "P", defaultValue = "0", description = "evaluate at most P prompts (0 = all)")
    int maxPrompts;

    @Option(names = "--max-tokens", paramLabel = "T", description = "maximum response length (default: the run's, else 32)")
    Integer maxTokens;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "sampling seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--json", description = "print the metrics as one JSON object")
    boolean json;

    @Mixin
    ScheduleOptions scheduleOptions;

    @Override
    public Integer call() throws Exception {
        PolicySource src = source.open();
        Task t = resolveTask(src);
        List<Problem> problems = t.eval();
        if (problems.isEmpty()) {
            throw new UserException("no evaluation prompts in " + t.name());
        }
        Evaluation cfg;
        try {
            cfg = new Evaluation(n, maxPrompts, scheduleOptions.schedule(), ks);
        } catch (com.oracle.labs.mlrg.olcut.config.PropertyException e) {
            throw new UserException("--n/--k: " + e.getMessage(), e);
        }
        int limit = src.policy().config().maxSeqLen();
        int maxT = maxTokens != null ? maxTokens
                : src.trainer().map(RlvrTrainer::maxResponseTokens).orElse(Math.min(32, limit - 1));
        checkSizes(problems, new PromptCodec(src.tokenizer()), limit, maxT);
        RolloutEngine engine = new RolloutEngine(new KvCacheDecoder(src.policy()), new SamplerConfig(), maxT,
                src.tokenizer().stopIds(), 256);
        Evaluator.Result r;
        try (BoundedVerifier v = new BoundedVerifier(t.verifier())) {
            r = Evaluator.evaluate(cfg, engine, src.policy(), problems, new PromptCodec(src.tokenizer()), v, seed,
                    scheduleOptions.step());
            if (v.failures() > 0) {
                // one line for all of them, on stderr so that --json stays one object
                String first = v.firstFailure().orElse("");
                spec.commandLine().getErr().println(UserMessages.oneLine("note: " + v.failures() + " response(s) could "
                        + "not be verified and scored 0 (reason UNPARSEABLE or ERROR); first, " + first));
                spec.commandLine().getErr().flush();
            }
        }
        Map<String, Object> rec = r.record(scheduleOptions.step());
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(rec));
        } else {
            out.printf("checkpoint %s, %d prompts x %d samples, schedule %s%n", src.description(),
                    r.report().asMap().getOrDefault("prompts", 0.0).intValue(), n, cfg.schedule());
            for (Map.Entry<String, Object> e : rec.entrySet()) {
                if (!e.getKey().contains("/source/") && !e.getKey().endsWith("_std")) {
                    out.printf("  %-28s %s%n", e.getKey(), e.getValue());
                }
            }
        }
        out.flush();
        return 0;
    }

    /**
     * Checks what the decoder would otherwise reject deep inside (a prompt too long for the policy) or
     * could not allocate (a response length or sample count far beyond memory), naming the problem.
     */
    private void checkSizes(List<Problem> problems, PromptCodec codec, int maxSeqLen, int maxT) {
        if (maxT < 1 || maxT >= maxSeqLen) {
            throw new UserException("--max-tokens " + maxT + " is invalid: must be in [1, " + (maxSeqLen - 1)
                    + "] (the policy's maxSeqLen is " + maxSeqLen + ", prompt included)");
        }
        int evaluated = maxPrompts > 0 ? Math.min(maxPrompts, problems.size()) : problems.size();
        for (Problem p : problems.subList(0, evaluated)) {
            int len = codec.prompt(p).length;
            if (len >= maxSeqLen) {
                throw new UserException("problem " + p.id() + ": its prompt is " + len + " tokens (BOS included); the "
                        + "policy's maxSeqLen " + maxSeqLen + " allows at most " + (maxSeqLen - 1)
                        + " to leave room for a response");
            }
        }
        // per sampled token the rollouts keep about 16 bytes (token, tau, two log-probs) plus working copies
        org.ead4j.run.MemoryBudget.require("--n x prompts", n + " x " + evaluated, "the responses of up to " + maxT
                + " tokens", (double) evaluated * n * (maxT * 32.0 + 256), false);
    }

    private Task resolveTask(PolicySource src) throws java.io.IOException {
        if (data != null && task != null) {
            throw new UserException("give either --data or --task, not both");
        }
        if (data != null) {
            if (!Files.exists(data)) {
                throw new UserException("--data " + data + ": no such file");
            }
            org.ead4j.run.MemoryBudget.requireFileSize(data, "--data", org.ead4j.run.MemoryBudget.maxTextFileBytes());
            return new JsonlTask(null, data, "jsonl", verifier());
        }
        if (task != null) {
            switch (task.toLowerCase(Locale.ROOT)) {
                case "countdown":
                    return new CountdownTask();
                case "countdown-steps":
                    return new CountdownStepsTask();
                case "arithmetic":
                    return new ArithmeticTask();
                default:
                    throw new UserException("--task " + task + " is unknown; allowed: countdown, countdown-steps, arithmetic");
            }
        }
        return src.trainer().map(RlvrTrainer::task).orElseThrow(() -> new UserException(
                source.describe() + " is not inside a run directory: name the data with --task or --data"));
    }

    private Verifier verifier() {
        switch (verifierKind.toLowerCase(Locale.ROOT)) {
            case "numeric":
                return new NumericVerifier();
            case "exact":
                return new ExactMatchVerifier();
            case "countdown":
                return new CountdownVerifier();
            case "countdown-steps":
                return new CountdownStepsVerifier();
            default:
                throw new UserException("--verifier " + verifierKind
                        + " is unknown; allowed: numeric, exact, countdown, countdown-steps");
        }
    }
}
