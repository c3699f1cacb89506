package org.ead4j.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.ead4j.data.Problem;
import org.ead4j.rollout.PromptCodec;
import org.ead4j.rollout.Rollout;
import org.ead4j.rollout.RolloutEngine;
import org.ead4j.samediff.decode.KvCacheDecoder;
import org.ead4j.samediff.sampling.SamplerConfig;
import org.ead4j.samediff.schedule.TemperatureSchedule;
import org.ead4j.train.RlvrTrainer;
import org.ead4j.run.MemoryBudget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ead sample}: generates responses to one prompt, showing tau_t per token. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        header = "Sample n responses to a prompt from a checkpoint (EAD or a fixed temperature).")
public class SampleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
            description = "a run directory, a checkpoint folder or a policy checkpoint")
    java.nio.file.Path checkpoint;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "the prompt, e.g. '3 8 4>20:'")
    String prompt;

    @Option(names = "--n", paramLabel = "N", defaultValue = "4", description = "responses (default: ${DEFAULT-VALUE})")
    int n;

    @Option(names = "--max-tokens", paramLabel = "T", description = "maximum response length (default: the run's, else 32)")
    Integer maxTokens;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "sampling seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--show-tau", description = "print tau_t for every generated token")
    boolean showTau;

    @Mixin
    ScheduleOptions scheduleOptions;

    @Override
    public Integer call() throws Exception {
        if (n < 1) {
            throw new UserException("--n " + n + " is invalid: must be >= 1");
        }
        PolicySource src = PolicySource.open(checkpoint);
        PromptCodec codec = new PromptCodec(src.tokenizer());
        int[] tokens;
        try {
            tokens = codec.prompt(new Problem("cli", prompt, "?", "cli"));
        } catch (IllegalArgumentException e) {
            throw new UserException("--prompt: " + e.getMessage(), e);
        }
        int maxT = maxTokens != null ? maxTokens : src.trainer().map(RlvrTrainer::maxResponseTokens).orElse(32);
        if (tokens.length + maxT > src.policy().config().maxSeqLen()) {
            throw new UserException("--prompt is " + tokens.length + " tokens; with --max-tokens " + maxT
                    + " that exceeds the policy's maxSeqLen " + src.policy().config().maxSeqLen());
        }
        MemoryBudget.require("--n", n, "the responses of up to " + maxT + " tokens",
                (double) n * (maxT * 32.0 + 256), false);
        MemoryBudget.require("--n", n, "the decoder's key/value caches", MemoryBudget.decodeBytes(src.policy().config(),
                Math.min(n, 256), src.policy().config().maxSeqLen()), true);
        TemperatureSchedule schedule = scheduleOptions.schedule();
        RolloutEngine engine = new RolloutEngine(new KvCacheDecoder(src.policy()), new SamplerConfig(), maxT,
                new int[]{src.tokenizer().eos()}, 256);
        List<Rollout> group = engine.generate(new int[][]{tokens}, new int[]{0}, n, schedule, scheduleOptions.step(),
                seed).get(0);
        var out = spec.commandLine().getOut();
        out.println("schedule: " + schedule + " at step " + scheduleOptions.step());
        for (Rollout r : group) {
            out.printf("[%d] %s%s   (%d tokens, %s, log q = %.3f)%n", r.sampleIndex(), prompt, codec.response(r.response()),
                    r.length(), r.finish(), sum(r.behaviourLogProb()));
            if (showTau) {
                StringBuilder sb = new StringBuilder("    tau:");
                for (float t : r.tau()) {
                    sb.append(String.format(" %.3f", t));
                }
                out.println(sb);
            }
        }
        out.flush();
        return 0;
    }

    private static double sum(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v;
        }
        return s;
    }
}
