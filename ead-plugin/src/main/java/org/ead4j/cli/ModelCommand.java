package org.ead4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ead4j.run.MemoryBudget;
import org.ead4j.samediff.hf.ModelInfo;
import org.ead4j.samediff.hf.RandomHfModel;
import org.ead4j.samediff.io.SafetensorsDtype;
import org.ead4j.samediff.policy.Architecture;
import org.ead4j.tokenizer.HuggingFaceTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ead model}: inspect a Hugging Face model folder, or write a random-init one in the real format. */
@Command(name = "model", mixinStandardHelpOptions = true,
        header = "Hugging Face model folders: 'model info DIR' summarises one, 'model new' writes a random-init one.",
        subcommands = {ModelCommand.Info.class, ModelCommand.New.class})
public class ModelCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a subcommand: info or new");
    }

    /** {@code ead model info DIR [--json]}. */
    @Command(name = "info", mixinStandardHelpOptions = true,
            header = "Architecture, parameter count, dtype, vocabulary, context and memory estimates of a model folder.")
    static class Info implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "a Hugging Face model folder (config.json + safetensors)")
        Path dir;

        @Option(names = "--json", description = "print one JSON object (the parameter count under \"parameters\")")
        boolean json;

        @Option(names = "--batch", paramLabel = "B", defaultValue = "8",
                description = "batch of the memory estimates (default: ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--seq-len", paramLabel = "T", defaultValue = "1024",
                description = "sequence length (prompt + response) of the memory estimates (default: ${DEFAULT-VALUE})")
        int seqLen;

        @Override
        public Integer call() throws Exception {
            if (batch < 1 || batch > 1_000_000) {
                throw new UserException("--batch " + batch + " is invalid: must be in [1, 1000000]");
            }
            if (seqLen < 1 || seqLen > 10_000_000) {
                throw new UserException("--seq-len " + seqLen + " is invalid: must be in [1, 10000000]");
            }
            ModelFolders.requireModelFolder(dir, "model info");
            ModelInfo info = ModelInfo.of(dir);
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(info.toJson(batch, seqLen).toString());
            } else {
                info.toLines(batch, seqLen).forEach(out::println);
            }
            out.flush();
            return 0;
        }
    }

    /** {@code ead model new}: a random-init model folder. */
    @Command(name = "new", mixinStandardHelpOptions = true,
            header = "Write a random-init model in Hugging Face format (tests, smoke runs, benchmarks of a real shape).",
            description = {"Without shape flags: hidden 64, 2 layers, 4 heads / 2 KV heads, FFN 128 (Qwen3: head_dim 32). "
                    + "With --tokenizer the vocabulary defaults to the tokenizer's and its files are copied."})
    static class New implements Callable<Integer> {

        /** The architectures {@code --arch} accepts. */
        enum Arch { llama, qwen2, qwen3 }

        @Spec
        CommandSpec spec;

        @Option(names = "--arch", required = true, paramLabel = "ARCH", description = "llama, qwen2 or qwen3")
        Arch arch;

        @Option(names = "--hidden", paramLabel = "D", description = "hidden_size (default 64)")
        Integer hidden;

        @Option(names = "--layers", paramLabel = "L", description = "num_hidden_layers (default 2)")
        Integer layers;

        @Option(names = "--heads", paramLabel = "H", description = "num_attention_heads (default 4)")
        Integer heads;

        @Option(names = "--kv-heads", paramLabel = "K", description = "num_key_value_heads (default 2)")
        Integer kvHeads;

        @Option(names = "--head-dim", paramLabel = "DH", description = "head_dim (default hidden / heads; qwen3: 32)")
        Integer headDim;

        @Option(names = "--intermediate", paramLabel = "F", description = "intermediate_size (default 128)")
        Integer intermediate;

        @Option(names = "--vocab", paramLabel = "V", description = "vocab_size (default: the tokenizer's, else 256)")
        Integer vocab;

        @Option(names = "--context", paramLabel = "T", description = "max_position_embeddings (default 4096)")
        Integer context;

        @Option(names = "--tie", negatable = true, description = "tie_word_embeddings (default: qwen2/qwen3 tied, llama untied)")
        Boolean tie;

        @Option(names = "--tokenizer", paramLabel = "FILE", description = "tokenizer.json (its folder's tokenizer files are copied)")
        Path tokenizer;

        @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "float32",
                description = "stored type: float32 or bfloat16 (default: ${DEFAULT-VALUE})")
        String dtype;

        @Option(names = "--seed", required = true, paramLabel = "S", description = "initialisation seed")
        long seed;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "the new model folder (absent or empty)")
        Path out;

        @Override
        public Integer call() throws Exception {
            Architecture a = Architecture.valueOf(arch.name().toUpperCase(Locale.ROOT));
            RandomHfModel.Spec base = RandomHfModel.Spec.small(a, seed);
            Path tokenizerFolder = null;
            Integer bos = null;
            List<Integer> eos = new ArrayList<>();
            int v = base.vocab();
            if (tokenizer != null) {
                if (!Files.isRegularFile(tokenizer)) {
                    throw new UserException("--tokenizer " + tokenizer + ": no such file (give a tokenizer.json)");
                }
                HuggingFaceTokenizer t = new HuggingFaceTokenizer(tokenizer);
                tokenizerFolder = tokenizer.toAbsolutePath().getParent();
                v = t.vocabSize();
                bos = t.bos() >= 0 ? t.bos() : null;
                for (int s : t.stopIds()) {
                    eos.add(s);
                }
                if (vocab != null && vocab < t.vocabSize()) {
                    throw new UserException("--vocab " + vocab + " is smaller than the tokenizer's vocabulary ("
                            + t.vocabSize() + " ids): every token id needs an embedding row");
                }
            }
            if (vocab != null) {
                v = vocab;
            }
            int d = positive("--hidden", hidden, base.hidden());
            int h = positive("--heads", heads, base.heads());
            int k = positive("--kv-heads", kvHeads, Math.min(base.kvHeads(), h));
            int dh = headDim != null ? positive("--head-dim", headDim, 0) : base.headDim();
            RandomHfModel.Spec s = new RandomHfModel.Spec(a, d, positive("--layers", layers, base.layers()), h, k, dh,
                    positive("--intermediate", intermediate, base.intermediate()), positive("--vocab", v, v),
                    tie != null ? tie : base.tie(), positive("--context", context, 4096), base.ropeTheta(), false, seed);
            SafetensorsDtype type = ModelFolders.dtype(dtype);
            ModelFolders.requireNewOutput(out);
            MemoryBudget.requirePolicy("model new", s.policyConfig());
            List<java.nio.file.Path> files = RandomHfModel.write(out, s, type, tokenizerFolder, bos, eos);
            var o = spec.commandLine().getOut();
            o.println("wrote " + out + " (" + files.size() + " files): " + a.hfClass() + ", "
                    + org.ead4j.samediff.policy.WeightLayout.parameterCount(s.policyConfig()) + " parameters, " + dtype);
            o.flush();
            return 0;
        }

        private static int positive(String flag, Integer value, int dflt) {
            int x = value != null ? value : dflt;
            if (value != null && (x < 1 || x > 1_000_000)) {
                throw new UserException(flag + " " + x + " is invalid: must be in [1, 1000000]");
            }
            return x;
        }
    }
}
