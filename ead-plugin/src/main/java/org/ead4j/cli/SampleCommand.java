package org.ead4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import org.ead4j.data.Problem;
import org.ead4j.rollout.PromptCodec;
import org.ead4j.rollout.Rollout;
import org.ead4j.rollout.RolloutEngine;
import org.ead4j.samediff.decode.KvCacheDecoder;
import org.ead4j.samediff.sampling.SamplerConfig;
import org.ead4j.samediff.schedule.ConstantTemperature;
import org.ead4j.samediff.schedule.TemperatureSchedule;
import org.ead4j.tokenizer.Tokenizer;
import org.ead4j.train.RlvrTrainer;
import org.ead4j.run.MemoryBudget;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ead sample}: generates responses to one prompt, showing tau_t per token. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        header = "Sample n responses to a prompt from a checkpoint or a Hugging Face model (EAD or a fixed temperature).")
public class SampleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PolicySourceOptions source;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Prompt promptGroup;

    static class Prompt {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "the prompt, e.g. '3 8 4>20:'")
        String text;

        @Option(names = "--prompt-ids", paramLabel = "ID,...", split = ",",
                description = "the prompt as token ids, used as given (no BOS added)")
        int[] ids;
    }

    @Option(names = "--n", paramLabel = "N", description = "responses (default: 4; 1 with --greedy)")
    Integer n;

    @Option(names = "--max-tokens", paramLabel = "T", description = "maximum response length (default: the run's, else 32)")
    Integer maxTokens;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "sampling seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--greedy", description = "greedy decoding (tau = 0): the most likely token at every position")
    boolean greedy;

    @Option(names = "--show-tau", description = "print tau_t for every generated token")
    boolean showTau;

    @Option(names = "--json", description = "print {\"prompt_ids\":[...],\"responses\":[{\"ids\":[...],\"text\":\"...\"}]}")
    boolean json;

    @Mixin
    ScheduleOptions scheduleOptions;

    @Override
    public Integer call() throws Exception {
        int count = n != null ? n : greedy ? 1 : 4;
        if (count < 1) {
            throw new UserException("--n " + count + " is invalid: must be >= 1");
        }
        PolicySource src = source.open();
        int vocab = src.policy().config().vocabSize();
        int[] tokens;
        Tokenizer tokenizer = null;
        if (promptGroup.ids != null) {
            tokens = promptGroup.ids;
            if (tokens.length == 0) {
                throw new UserException("--prompt-ids is empty: give at least one token id");
            }
            for (int i = 0; i < tokens.length; i++) {
                if (tokens[i] < 0 || tokens[i] >= vocab) {
                    throw new UserException("--prompt-ids: id " + tokens[i] + " at position " + i + " is out of range [0, "
                            + vocab + ") (the model's vocabulary)");
                }
            }
            if (src.modelTokenizer() != null || src.trainer().isPresent()) {
                tokenizer = src.tokenizer();
            }
        } else {
            tokenizer = src.tokenizer();
            try {
                tokens = new PromptCodec(tokenizer).prompt(new Problem("cli", promptGroup.text, "?", "cli"));
            } catch (IllegalArgumentException e) {
                throw new UserException("--prompt: " + e.getMessage(), e);
            }
        }
        int limit = src.policy().config().maxSeqLen();
        int maxT = maxTokens != null ? maxTokens : src.trainer().map(RlvrTrainer::maxResponseTokens).orElse(32);
        if (maxT < 1) {
            throw new UserException("--max-tokens " + maxT + " is invalid: must be >= 1");
        }
        if ((long) tokens.length + maxT > limit) {
            throw new UserException("the prompt is " + tokens.length + " tokens; with --max-tokens " + maxT
                    + " that exceeds the policy's maximum sequence length " + limit);
        }
        MemoryBudget.require("--n", count, "the responses of up to " + maxT + " tokens",
                (double) count * (maxT * 32.0 + 256), false);
        MemoryBudget.require("--n", count, "the decoder's key/value caches", MemoryBudget.decodeBytes(src.policy().config(),
                Math.min(count, 256), src.policy().config().maxSeqLen()), true);
        TemperatureSchedule schedule = greedy ? new ConstantTemperature(0) : scheduleOptions.schedule();
        int[] stops = tokenizer != null ? tokenizer.stopIds() : new int[0];
        List<Rollout> group;
        try (KvCacheDecoder decoder = new KvCacheDecoder(src.policy())) {
            RolloutEngine engine = new RolloutEngine(decoder, new SamplerConfig(), maxT, stops, 256);
            group = engine.generate(new int[][]{tokens}, new int[]{0}, count, schedule, scheduleOptions.step(), seed).get(0);
        }
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(json(tokens, group, tokenizer));
            out.flush();
            return 0;
        }
        out.println("schedule: " + schedule + " at step " + scheduleOptions.step());
        PromptCodec codec = tokenizer != null ? new PromptCodec(tokenizer) : null;
        String shownPrompt = promptGroup.text != null ? promptGroup.text : java.util.Arrays.toString(tokens);
        for (Rollout r : group) {
            String text = codec != null ? codec.response(r.response()) : " " + java.util.Arrays.toString(r.response());
            out.printf("[%d] %s%s   (%d tokens, %s, log q = %.3f)%n", r.sampleIndex(), shownPrompt, text,
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

    /** The {@code --json} document: the prompt ids and, per response, its ids (a final stop id included) and text. */
    private static String json(int[] prompt, List<Rollout> group, Tokenizer tokenizer) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode doc = mapper.createObjectNode();
        ArrayNode p = doc.putArray("prompt_ids");
        for (int id : prompt) {
            p.add(id);
        }
        ArrayNode responses = doc.putArray("responses");
        for (Rollout r : group) {
            ObjectNode o = responses.addObject();
            ArrayNode ids = o.putArray("ids");
            for (int id : r.response()) {
                ids.add(id);
            }
            o.put("text", tokenizer != null ? new PromptCodec(tokenizer).response(r.response()) : "");
            o.put("finish", String.valueOf(r.finish()).toLowerCase(java.util.Locale.ROOT));
        }
        return doc.toString();
    }

    private static double sum(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v;
        }
        return s;
    }
}
