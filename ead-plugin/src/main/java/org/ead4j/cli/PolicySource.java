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
import org.ead4j.samediff.io.PolicyCheckpoint;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.tokenizer.CharTokenizer;
import org.ead4j.tokenizer.Tokenizer;
import org.ead4j.train.RlvrTrainer;
import org.ead4j.train.TrainingSession;

/**
 * Finds a policy for {@code eval}/{@code sample} from a path that may be a run directory (its newest
 * valid checkpoint), a checkpoint folder ({@code checkpoints/step-N}) or a bare policy checkpoint,
 * together with the run's experiment when its provenance is at hand (for the tokenizer and task).
 *
 * @param policy the loaded policy
 * @param trainer the run's experiment, when the path belongs to a run
 * @param description where the weights came from
 */
record PolicySource(PolicyTransformer policy, Optional<RlvrTrainer> trainer, String description) {

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
        return new PolicySource(policy, trainer, policyDir.toString());
    }

    /** The run's tokenizer, or the default character tokenizer, checked against the policy's vocabulary. */
    Tokenizer tokenizer() {
        Tokenizer t = trainer.map(RlvrTrainer::tokenizer).orElseGet(CharTokenizer::new);
        if (t.vocabSize() != policy.config().vocabSize()) {
            throw new UserException("the policy's vocabulary (" + policy.config().vocabSize() + ") does not match the "
                    + "tokenizer's (" + t.vocabSize() + "); evaluate a checkpoint inside its run directory");
        }
        return t;
    }
}
