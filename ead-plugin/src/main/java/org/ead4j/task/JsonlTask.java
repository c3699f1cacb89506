package org.ead4j.task;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ead4j.data.JsonlDataset;
import org.ead4j.data.JsonlLines;
import org.ead4j.data.Problem;
import org.ead4j.reward.NumericVerifier;
import org.ead4j.reward.Verifier;

/**
 * A task read from JSONL files ({@link JsonlDataset}: {@code id}, {@code prompt}, {@code answer},
 * optional {@code data_source} and {@code solution}), one file per split; either may be omitted.
 *
 * <p><b>Pinned content.</b> After loading, {@code trainSha256}/{@code evalSha256} hold the SHA-256
 * of each file, so the task's provenance records exactly which data was used. When a hash is given in
 * the configuration (as in a replay from provenance), loading fails if the file's content differs.
 * Ids must be unique across both files.
 */
public class JsonlTask implements Task {

    private static final String NAME = "JsonlTask";

    @Config(description = "JSONL file of training problems; omit for an eval-only task.")
    private Path trainFile;

    @Config(description = "JSONL file of evaluation problems; omit for a train-only task.")
    private Path evalFile;

    @Config(description = "SHA-256 (hex) the train file must have; empty: filled in on load, so provenance records it.")
    private String trainSha256 = "";

    @Config(description = "SHA-256 (hex) the eval file must have; empty: filled in on load, so provenance records it.")
    private String evalSha256 = "";

    @Config(description = "Task name, and data source of records without 'data_source'. Default: \"jsonl\".")
    private String name = "jsonl";

    @Config(description = "Longest line accepted, in bytes. Range [1, inf). Default: 1048576 (1 MiB).")
    private long maxLineBytes = JsonlLines.DEFAULT_MAX_LINE_BYTES;

    @Config(description = "Verifier of the responses. Default: NumericVerifier (\\boxed{} then '####').")
    private Verifier verifier = new NumericVerifier();

    private List<Problem> train = List.of();
    private List<Problem> eval = List.of();

    /** For OLCUT. */
    public JsonlTask() {
    }

    /**
     * Loads a task from files.
     *
     * @param trainFile training problems, or null
     * @param evalFile evaluation problems, or null
     * @param name task name and default data source
     * @param verifier the verifier
     * @throws IOException if a file cannot be read
     */
    public JsonlTask(Path trainFile, Path evalFile, String name, Verifier verifier) throws IOException {
        this.trainFile = trainFile;
        this.evalFile = evalFile;
        this.name = name;
        this.verifier = verifier;
        postConfig();
    }

    @Override
    public void postConfig() throws IOException {
        if (trainFile == null && evalFile == null) {
            throw new PropertyException(NAME, "trainFile", "neither trainFile nor evalFile is set: give at least one");
        }
        if (name == null || name.isEmpty()) {
            throw new PropertyException(NAME, "name", "name is empty: give the task a name");
        }
        if (maxLineBytes < 1) {
            throw new PropertyException(NAME, "maxLineBytes", "maxLineBytes = " + maxLineBytes + " is invalid: must be >= 1");
        }
        if (verifier == null) {
            throw new PropertyException(NAME, "verifier", "verifier is missing");
        }
        if (trainFile != null) {
            JsonlDataset d = JsonlDataset.load(trainFile, maxLineBytes, name);
            trainSha256 = pin("trainSha256", trainSha256, d);
            train = d.problems();
        }
        if (evalFile != null) {
            JsonlDataset d = JsonlDataset.load(evalFile, maxLineBytes, name);
            evalSha256 = pin("evalSha256", evalSha256, d);
            eval = d.problems();
        }
        Map<String, Integer> trainIds = new HashMap<>();
        for (int i = 0; i < train.size(); i++) {
            trainIds.put(train.get(i).id(), i);
        }
        for (Problem p : eval) {
            if (trainIds.containsKey(p.id())) {
                throw new PropertyException(NAME, "evalFile", "id '" + p.id() + "' is in both " + trainFile + " and "
                        + evalFile + ": train and eval ids must be disjoint");
            }
        }
    }

    private static String pin(String field, String expected, JsonlDataset d) {
        if (expected != null && !expected.isEmpty() && !expected.equalsIgnoreCase(d.sha256())) {
            throw new PropertyException(NAME, field, d.path() + " has SHA-256 " + d.sha256() + " but " + field + " = "
                    + expected + ": the file changed since the configuration was recorded");
        }
        return d.sha256();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Problem> problems(Split split) {
        return split == Split.TRAIN ? train : eval;
    }

    @Override
    public Verifier verifier() {
        return verifier;
    }

    /** @return the SHA-256 of the train file, or "" without one */
    public String trainSha256() {
        return trainSha256;
    }

    /** @return the SHA-256 of the eval file, or "" without one */
    public String evalSha256() {
        return evalSha256;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Task");
    }

    @Override
    public String toString() {
        return "JsonlTask(train=" + trainFile + ", eval=" + evalFile + ", name=" + name + ")";
    }
}
