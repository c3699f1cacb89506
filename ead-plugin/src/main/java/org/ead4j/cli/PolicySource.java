package org.ead4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.ead4j.provenance.ExperimentConfigs;
import org.ead4j.provenance.ExperimentProvenance;
import org.ead4j.run.Checkpoint;
import org.ead4j.run.CheckpointStore;
import org.ead4j.run.MemoryBudget;
import org.ead4j.run.RunDirectory;
import org.ead4j.run.MemoryBudget;
import org.ead4j.samediff.hf.HfConfig;
import org.ead4j.samediff.hf.HfModel;
import org.ead4j.samediff.hf.PeftAdapter;
import org.ead4j.samediff.io.PolicyCheckpoint;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.tokenizer.CharTokenizer;
import org.ead4j.tokenizer.HuggingFaceTokenizer;
import org.ead4j.tokenizer.Tokenizer;
import org.ead4j.train.RlvrTrainer;
import org.ead4j.train.TrainingSession;

/**
 * Finds a policy for {@code eval}/{@code sample}/{@code export} from a path that may be a run directory (its
 * newest valid checkpoint), a checkpoint folder ({@code checkpoints/step-N}), a bare policy checkpoint or a
 * Hugging Face model folder, together with the run's experiment when its provenance is at hand (for the
 * tokenizer and task) or the model folder's own tokenizer.
 *
 * @param policy the loaded policy
 * @param trainer the run's experiment, when the path belongs to a run
 * @param description where the weights came from
 * @param modelTokenizer the model folder's tokenizer (tokenizer.json), or null
 */
record PolicySource(PolicyTransformer policy, Optional<RlvrTrainer> trainer, String description, Tokenizer modelTokenizer) {

    /**
     * Opens a Hugging Face model folder ({@code --model}).
     *
     * @param dir the folder holding config.json and the safetensors files
     * @return the policy and, when the folder has tokenizer.json, its tokenizer
     * @throws IOException if a file cannot be read
     */
    static PolicySource openModel(Path dir) throws IOException {
        return openModel(dir, null);
    }

    /**
     * Opens a Hugging Face model folder with an optional PEFT LoRA adapter on top ({@code --model --adapter}).
     *
     * @param dir the base model folder
     * @param adapter a PEFT adapter folder, or null
     * @return the policy (base + adapter) and the base folder's tokenizer, if any
     * @throws IOException if a file cannot be read
     */
    static PolicySource openModel(Path dir, Path adapter) throws IOException {
        ModelFolders.requireModelFolder(dir, "--model");
        MemoryBudget.requirePolicy("--model " + dir, HfConfig.read(dir).policy());
        PolicyTransformer policy;
        if (adapter == null) {
            policy = HfModel.loadPolicy(dir);
        } else {
            if (!Files.isRegularFile(adapter.resolve(PeftAdapter.CONFIG_FILE))) {
                throw new UserException("--adapter " + adapter + ": not a PEFT adapter folder (no " + PeftAdapter.CONFIG_FILE
                        + ")");
            }
            HfModel base = HfModel.load(dir);
            policy = PeftAdapter.load(adapter, base.config().policy(), base.weights());
        }
        Tokenizer tok = Files.isRegularFile(dir.resolve("tokenizer.json")) ? new HuggingFaceTokenizer(dir) : null;
        return new PolicySource(policy, Optional.empty(), dir + (adapter != null ? " + " + adapter : ""), tok);
    }

    /**
     * Opens {@code --model DIR} when given, else {@code --checkpoint PATH}.
     *
     * @param model a Hugging Face model folder, or null
     * @param checkpoint a run, checkpoint or policy checkpoint, or null
     * @return the source
     * @throws IOException if a file cannot be read
     */
    static PolicySource open(Path model, Path checkpoint) throws IOException {
        return model != null ? openModel(model) : open(checkpoint);
    }

    static PolicySource open(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new UserException("--checkpoint " + path + ": no such file or directory");
        }
        Path policyDir;
        Path runDir = null;
        if (Files.isRegularFile(path.resolve(RunDirectory.PROVENANCE))) {
            runDir = path;
            Optional<Checkpoint> ck = RunDirectory.open(path).checkpoints(CheckpointStore.DEFAULT_KEEP_LAST)
                    .newestValidCheckpoint();
            if (ck.isEmpty()) {
                throw new UserException("--checkpoint " + path + ": the run has no valid checkpoint");
            }
            policyDir = ck.get().dir().resolve(TrainingSession.POLICY_DIR);
        } else if (Files.isDirectory(path.resolve(TrainingSession.POLICY_DIR))) {
            policyDir = path.resolve(TrainingSession.POLICY_DIR);
            Path maybeRun = path.toAbsolutePath().getParent() != null ? path.toAbsolutePath().getParent().getParent() : null;
            if (maybeRun != null && Files.isRegularFile(maybeRun.resolve(RunDirectory.PROVENANCE))) {
                runDir = maybeRun;
            }
        } else if (Files.isRegularFile(path.resolve(PolicyCheckpoint.MANIFEST))) {
            policyDir = path;
        } else {
            throw new UserException("--checkpoint " + path + ": not a run directory, a checkpoint folder or a policy "
                    + "checkpoint (no " + RunDirectory.PROVENANCE + ", " + TrainingSession.POLICY_DIR + "/ or "
                    + PolicyCheckpoint.MANIFEST + ")");
        }
        Optional<RlvrTrainer> trainer = Optional.empty();
        if (runDir != null) {
            ExperimentProvenance prov = RunDirectory.open(runDir).readProvenance();
            trainer = Optional.of(ExperimentConfigs.fromProvenance(prov, RlvrTrainer.class));
        }
        PolicyTransformer policy;
        try {
            MemoryBudget.requirePolicy("the --checkpoint policy", PolicyCheckpoint.readConfig(policyDir));
            policy = PolicyCheckpoint.load(policyDir).policy();
        } catch (IllegalArgumentException | IOException e) {
            throw new UserException("--checkpoint " + path + ": " + e.getMessage(), e);
        }
        return new PolicySource(policy, trainer, policyDir.toString(), null);
    }

    /** The run's tokenizer, or the default character tokenizer, checked against the policy's vocabulary. */
    Tokenizer tokenizer() {
        if (modelTokenizer != null) {
            // a model's embedding may have more rows than its tokenizer has ids (Qwen pads 151665 to 151936)
            if (modelTokenizer.vocabSize() > policy.config().vocabSize()) {
                throw new UserException("the model's tokenizer has " + modelTokenizer.vocabSize() + " ids but its "
                        + "embedding only " + policy.config().vocabSize() + " rows (config.json vocab_size)");
            }
            return modelTokenizer;
        }
        if (trainer.isEmpty() && policy.config().architecture().isHuggingFace()) {
            throw new UserException(description + " has no tokenizer.json, so text cannot be encoded (sample accepts --prompt-ids)");
        }
        Tokenizer t = trainer.map(RlvrTrainer::tokenizer).orElseGet(CharTokenizer::new);
        if (t.vocabSize() > policy.config().vocabSize()
                || t.vocabSize() != policy.config().vocabSize() && !policy.config().architecture().isHuggingFace()) {
            throw new UserException("the policy's vocabulary (" + policy.config().vocabSize() + ") does not match the "
                    + "tokenizer's (" + t.vocabSize() + "); evaluate a checkpoint inside its run directory");
        }
        return t;
    }
}
