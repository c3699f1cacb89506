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
import org.ead4j.tokenizer.ChatTemplate;
import org.ead4j.tokenizer.Tokenizer;

/**
 * A task read from JSONL files ({@link JsonlDataset}: {@code id}, {@code prompt}, {@code answer},
 * optional {@code data_source} and {@code solution}), one file per split; either may be omitted.
 *
 * <p><b>Pinned content.</b> After loading, {@code trainSha256}/{@code evalSha256} hold the SHA-256
 * of each file, so the task's provenance records exactly which data was used. When a hash is given in
 * the configuration (as in a replay from provenance), loading fails if the file's content differs.
 * Ids must be unique across both files.
 *
 * <p><b>Chat prompts.</b> With {@code chatTemplate = true} each prompt becomes the user message of a
 * chat, after {@code systemPrompt} when one is set, rendered with the chat template of
 * {@code tokenizer} (a {@link org.ead4j.tokenizer.HuggingFaceTokenizer}) and its assistant header
 * ({@link ChatPrompts}). The problems then carry the rendered text, which is what the policy sees and
 * what a run's dataset hash covers. {@code chatTemplateDate} fixes the date templates print (Llama 3.x
 * writes "Today Date"): empty means today, recorded on load so a replay renders the same text.
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

    @Config(description = "Render each prompt with the tokenizer's chat template (system message, user message, "
            + "assistant header). Default: false (prompts are used as written).")
    private boolean chatTemplate = false;

    @Config(description = "System message put before each prompt when chatTemplate is true; empty: none. Default: empty.")
    private String systemPrompt = "";

    @Config(description = "Tokenizer whose chat template renders the prompts; required when chatTemplate is true "
            + "(use the trainer's tokenizer component).")
    private Tokenizer tokenizer;

    @Config(description = "Date (yyyy-MM-dd) a chat template's strftime_now sees; empty: today (UTC), filled in on load "
            + "when chatTemplate is true, so provenance records it.")
    private String chatTemplateDate = "";

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

    /**
     * Loads a task whose prompts are rendered with a tokenizer's chat template.
     *
     * @param trainFile training problems, or null
     * @param evalFile evaluation problems, or null
     * @param name task name and default data source
     * @param verifier the verifier
     * @param tokenizer the tokenizer whose chat template renders the prompts
     * @param systemPrompt the system message, or empty for none
     * @param chatTemplateDate the date (yyyy-MM-dd) templates print, or empty for today
     * @throws IOException if a file cannot be read
     */
    public JsonlTask(Path trainFile, Path evalFile, String name, Verifier verifier, Tokenizer tokenizer,
                     String systemPrompt, String chatTemplateDate) throws IOException {
        this.trainFile = trainFile;
        this.evalFile = evalFile;
        this.name = name;
        this.verifier = verifier;
        this.chatTemplate = true;
        this.tokenizer = tokenizer;
        this.systemPrompt = systemPrompt;
        this.chatTemplateDate = chatTemplateDate;
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
        if (chatTemplate) {
            renderChatPrompts();
        } else if (systemPrompt != null && !systemPrompt.isEmpty()) {
            throw new PropertyException(NAME, "systemPrompt", "systemPrompt is set but chatTemplate is false: a system "
                    + "message needs the chat template; set chatTemplate = true or remove systemPrompt");
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

    private void renderChatPrompts() {
        if (tokenizer == null) {
            throw new PropertyException(NAME, "tokenizer", "chatTemplate = true needs a tokenizer with a chat template "
                    + "(a HuggingFaceTokenizer of the model); none is set");
        }
        ChatTemplate template = tokenizer.chatTemplate().orElseThrow(() -> new PropertyException(NAME, "tokenizer",
                "chatTemplate = true but the tokenizer " + tokenizer + " has no chat template (tokenizer_config.json "
                        + "chat_template or chat_template.jinja)"));
        java.time.LocalDate date;
        try {
            date = ChatPrompts.date(chatTemplateDate);
        } catch (IllegalArgumentException e) {
            throw new PropertyException(e, NAME, "chatTemplateDate", "chatTemplateDate: " + e.getMessage());
        }
        chatTemplateDate = date.toString();
        String system = systemPrompt == null ? "" : systemPrompt;
        try {
            train = ChatPrompts.render(train, template, system, date);
            eval = ChatPrompts.render(eval, template, system, date);
        } catch (IllegalArgumentException e) {
            throw new PropertyException(e, NAME, "chatTemplate", e.getMessage());
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

    /** @return whether prompts are rendered with the tokenizer's chat template */
    public boolean chatTemplate() {
        return chatTemplate;
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
