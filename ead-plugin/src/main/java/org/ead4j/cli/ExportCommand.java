package org.ead4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ead4j.samediff.hf.HfExporter;
import org.ead4j.samediff.hf.PeftAdapter;
import org.ead4j.samediff.io.SafetensorsDtype;
import org.ead4j.samediff.io.SafetensorsModel;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.tokenizer.HuggingFaceTokenizer;
import org.ead4j.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ead export}: writes a trained policy as a Hugging Face model folder. */
@Command(name = "export", mixinStandardHelpOptions = true,
        header = "Write a run's policy as a Hugging Face model folder (config.json, model.safetensors, "
                + "generation_config.json, tokenizer files) that transformers, vLLM or llama.cpp can load.",
        description = {"Only the Hugging Face families (llama, qwen2, qwen3) have a Hugging Face counterpart; "
                + "ead4j's own GPT cannot be exported. A LoRA run is written as a PEFT adapter folder "
                + "(adapter_config.json + adapter_model.safetensors), or with --merge as the merged model."})
public class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "RUN",
            description = "a run directory (its newest valid checkpoint), RUN/checkpoints/step-N, or a policy checkpoint")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the new model folder (absent or empty)")
    Path out;

    @Option(names = "--merge", description = "for a LoRA run: write the merged model (base + adapters) as a Hugging Face "
            + "folder instead of a PEFT adapter folder")
    boolean merge;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "float32",
            description = "stored type: float32 or bfloat16 (default: ${DEFAULT-VALUE})")
    String dtype;

    @Override
    public Integer call() throws Exception {
        SafetensorsDtype type = ModelFolders.dtype(dtype);
        ModelFolders.requireNewOutput(out);
        PolicySource src = PolicySource.open(checkpoint);
        PolicyConfig config = src.policy().config();
        if (!config.architecture().isHuggingFace()) {
            throw new UserException("--checkpoint " + checkpoint + " holds an ead4j GPT policy (architecture = GPT), which "
                    + "has no Hugging Face counterpart; only llama, qwen2 and qwen3 policies can be exported");
        }
        var o = spec.commandLine().getOut();
        if (src.policy().lora() != null && !merge) {
            String base = src.trainer().map(t -> t.initialModel()).orElse("");
            List<Path> files = PeftAdapter.write(out, src.policy(), base == null ? "" : base);
            o.println("exported the LoRA adapters of " + src.description() + " to " + out + " as a PEFT adapter folder ("
                    + files.size() + " files; --merge writes the merged model instead)");
            o.flush();
            return 0;
        }
        Path tokenizerFolder = null;
        Integer bos = null;
        List<Integer> eos = new ArrayList<>();
        Integer pad = null;
        Tokenizer t = src.trainer().map(tr -> tr.tokenizer()).orElse(null);
        if (t instanceof HuggingFaceTokenizer hf) {
            tokenizerFolder = hf.folder();
            bos = hf.bos() >= 0 ? hf.bos() : null;
            for (int s : hf.stopIds()) {
                eos.add(s);
            }
            pad = hf.pad();
        }
        List<Path> files = HfExporter.export(out, src.policy(), new HfExporter.Options(type,
                SafetensorsModel.DEFAULT_MAX_SHARD_BYTES, tokenizerFolder, bos, eos, pad));
        o.println("exported " + src.description() + " to " + out + " as " + config.architecture().hfClass() + " ("
                + dtype + ", " + files.size() + " files" + (tokenizerFolder == null ? ", no tokenizer files: the run "
                + "used no Hugging Face tokenizer" : "") + ")");
        o.flush();
        return 0;
    }
}
