package org.ead4j.it.reliability;

import static org.ead4j.it.reliability.BadInputRound2IT.a;
import static org.ead4j.it.reliability.BadInputRound2IT.config;
import static org.ead4j.it.reliability.BadInputRound2IT.copy;
import static org.ead4j.it.reliability.BadInputRound2IT.copyPolicy;
import static org.ead4j.it.reliability.BadInputRound2IT.copyRun;
import static org.ead4j.it.reliability.BadInputRound2IT.set;
import static org.ead4j.it.reliability.BadInputRound2IT.sparse;
import static org.ead4j.it.reliability.BadInputRound2IT.write;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ead4j.it.reliability.BadInputRound2IT.Args;
import org.ead4j.it.reliability.BadInputRound2IT.Case;
import org.ead4j.provenance.ContentHash;
import org.ead4j.run.AtomicFiles;
import org.ead4j.run.RunDirectory;
import org.ead4j.samediff.io.PolicyCheckpoint;

/** The cases of {@link BadInputRound2IT}, by class. */
final class Round2Cases {

    private Round2Cases() {
    }

    private static final double QUICK = 20;

    private static void add(List<Case> all, String category, String id, String what, String message, Args args) {
        all.add(new Case(id, category, what, args, message, QUICK));
    }

    private static Path run(Path dir) throws Exception {
        return copyRun(dir);
    }

    private static Path step(Path run, int n) {
        return run.resolve(RunDirectory.CHECKPOINTS).resolve("step-" + n);
    }

    private static void flip(Path f) throws Exception {
        byte[] b = Files.readAllBytes(f);
        b[b.length / 2] ^= 0x40;
        Files.write(f, b);
    }

    /** Rewrites a policy checkpoint's manifest entry for a file after it was edited. */
    static void resign(Path ck, String name) throws Exception {
        Path manifest = ck.resolve(PolicyCheckpoint.MANIFEST);
        StringBuilder sb = new StringBuilder();
        for (String l : Files.readAllLines(manifest)) {
            if (l.startsWith("file." + name + ".sha256=")) {
                l = "file." + name + ".sha256=" + ContentHash.sha256(ck.resolve(name));
            } else if (l.startsWith("file." + name + ".bytes=")) {
                l = "file." + name + ".bytes=" + Files.size(ck.resolve(name));
            }
            sb.append(l).append('\n');
        }
        Files.writeString(manifest, sb.toString());
    }

    /** A copy of the policy checkpoint with one property of policy.properties changed (and re-signed). */
    static Path editedPolicy(Path dir, String key, String value) throws Exception {
        Path p = copyPolicy(dir);
        Path props = p.resolve(PolicyCheckpoint.POLICY_FILE);
        StringBuilder sb = new StringBuilder();
        boolean found = false;
        for (String l : Files.readAllLines(props)) {
            if (l.startsWith(key + "=")) {
                l = key + "=" + value;
                found = true;
            }
            sb.append(l).append('\n');
        }
        if (!found) {
            sb.append(key).append('=').append(value).append('\n');
        }
        Files.writeString(props, sb.toString());
        resign(p, PolicyCheckpoint.POLICY_FILE);
        return p;
    }

    // ---------------------------------------------------------------- no run record lost

    static void records(List<Case> all) {
        String c = "run records";
        add(all, c, "resume-checkpoints-is-file", "train --resume: checkpoints/ is a file", "(?i)checkpoints.*(not a folder|file)",
                d -> {
                    Path r = run(d);
                    AtomicFiles.deleteTree(r.resolve("checkpoints"));
                    Files.writeString(r.resolve("checkpoints"), "x");
                    return a("train", "--resume", r, "--no-plots");
                });
        add(all, c, "resume-all-checkpoints-corrupt", "train --resume: every checkpoint corrupted", "(?i)no valid checkpoint.*step-",
                d -> {
                    Path r = run(d);
                    flip(step(r, 1).resolve("policy/" + PolicyCheckpoint.WEIGHTS_FILE));
                    flip(step(r, 2).resolve("policy/" + PolicyCheckpoint.WEIGHTS_FILE));
                    return a("train", "--resume", r, "--no-plots");
                });
        add(all, c, "resume-checkpoints-deleted", "train --resume: checkpoints/ removed, steps.jsonl has 2 steps", "(?i)checkpoint",
                d -> {
                    Path r = run(d);
                    AtomicFiles.deleteTree(r.resolve("checkpoints"));
                    return a("train", "--resume", r, "--no-plots");
                });
        add(all, c, "resume-checkpoints-emptied", "train --resume: checkpoints/ empty, steps.jsonl has 2 steps", "(?i)checkpoint",
                d -> {
                    Path r = run(d);
                    AtomicFiles.deleteTree(r.resolve("checkpoints"));
                    Files.createDirectories(r.resolve("checkpoints"));
                    return a("train", "--resume", r, "--no-plots");
                });
        add(all, c, "resume-manifests-missing", "train --resume: manifests deleted", "(?i)no valid checkpoint",
                d -> {
                    Path r = run(d);
                    Files.delete(step(r, 1).resolve("manifest.json"));
                    Files.delete(step(r, 2).resolve("manifest.json"));
                    return a("train", "--resume", r, "--no-plots");
                });
        add(all, c, "resume-provenance-empty-list", "train --resume: provenance.json is []", "(?i)provenance",
                d -> {
                    Path r = run(d);
                    Files.writeString(r.resolve("provenance.json"), "[]");
                    return a("train", "--resume", r);
                });
        add(all, c, "resume-provenance-42", "train --resume: provenance.json is [42]", "(?i)provenance",
                d -> {
                    Path r = run(d);
                    Files.writeString(r.resolve("provenance.json"), "[42]");
                    return a("train", "--resume", r);
                });
        add(all, c, "resume-provenance-empty-file", "train --resume: provenance.json empty", "(?i)empty|provenance",
                d -> {
                    Path r = run(d);
                    Files.writeString(r.resolve("provenance.json"), "");
                    return a("train", "--resume", r);
                });
        add(all, c, "resume-provenance-truncated", "train --resume: provenance.json cut in half", "(?i)provenance|json",
                d -> {
                    Path r = run(d);
                    byte[] b = Files.readAllBytes(r.resolve("provenance.json"));
                    Files.write(r.resolve("provenance.json"), java.util.Arrays.copyOf(b, b.length / 2));
                    return a("train", "--resume", r);
                });
        add(all, c, "resume-provenance-folder", "train --resume: provenance.json is a folder", "(?i)provenance",
                d -> {
                    Path r = run(d);
                    Files.delete(r.resolve("provenance.json"));
                    Files.createDirectories(r.resolve("provenance.json"));
                    return a("train", "--resume", r);
                });
        add(all, c, "resume-with-out", "train --resume RUN --out X", "(?i)--out",
                d -> a("train", "--resume", run(d), "--out", d.resolve("x")));
        add(all, c, "restart-with-config", "train --config C --restart", "(?i)--restart",
                d -> a("train", "--config", config(d, "c.json", x -> { }), "--out", d.resolve("o"), "--restart"));
        add(all, c, "resume-steps-is-folder", "train --resume: steps.jsonl is a folder", "(?i)steps\\.jsonl",
                d -> {
                    Path r = run(d);
                    Files.delete(r.resolve("steps.jsonl"));
                    Files.createDirectories(r.resolve("steps.jsonl"));
                    return a("train", "--resume", r, "--no-plots");
                });
        add(all, c, "resume-foreign-class", "train --resume: provenance names java.lang.ProcessBuilder", "(?i)allowlist",
                d -> {
                    Path r = run(d);
                    Files.writeString(r.resolve("provenance.json"), Files.readString(r.resolve("provenance.json"))
                            .replace("org.ead4j.samediff.schedule.ExploratoryAnnealing", "java.lang.ProcessBuilder"));
                    return a("train", "--resume", r);
                });
        add(all, c, "resume-class-name-by-key", "train --resume: a class-name entry whose inner key was renamed names "
                + "java.lang.ProcessBuilder", "(?i)allowlist",
                d -> {
                    Path r = run(d);
                    String p = Files.readString(r.resolve("provenance.json"));
                    // the loader reads the map entry "class-name", whatever its inner "key" says
                    int i = p.indexOf("\"value\" : \"org.ead4j.samediff.schedule.ExploratoryAnnealing\"");
                    String head = p.substring(0, i);
                    int k = head.lastIndexOf("\"key\" : \"class-name\"");
                    p = head.substring(0, k) + "\"key\" : \"not-a-class\"" + head.substring(k + "\"key\" : \"class-name\"".length())
                            + "\"value\" : \"java.lang.ProcessBuilder\"" + p.substring(i + "\"value\" : \"org.ead4j.samediff.schedule.ExploratoryAnnealing\"".length());
                    Files.writeString(r.resolve("provenance.json"), p);
                    return a("train", "--resume", r);
                });
    }

    // ---------------------------------------------------------------- output folders and paths

    static void outputs(List<Case> all) {
        String c = "output folders";
        add(all, c, "out-empty-string", "train --out ''", "(?i)--out", d -> a("train", "--config", config(d, "c.json", x -> { }), "--out", ""));
        add(all, c, "out-blank", "train --out ' '", "(?i)--out", d -> a("train", "--config", config(d, "c.json", x -> { }), "--out", " "));
        add(all, c, "out-is-file", "train --out FILE", "(?i)--out.*(file|not a folder)",
                d -> a("train", "--config", config(d, "c.json", x -> { }), "--out", write(d, "f.txt", "x")));
        add(all, c, "out-foreign-folder", "train --out a folder holding other files", "(?i)--out.*(not empty|holds)",
                d -> {
                    write(d, "o/notes.txt", "mine");
                    return a("train", "--config", config(d, "c.json", x -> { }), "--out", d.resolve("o"));
                });
        add(all, c, "out-only-subfolder", "train --out a folder holding an empty sub-folder of the user's", "(?i)--out.*(not empty|holds)",
                d -> {
                    Files.createDirectories(d.resolve("o/mine"));
                    return a("train", "--config", config(d, "c.json", x -> { }), "--out", d.resolve("o"));
                });
        add(all, c, "out-checkout", "train --out the checkout itself", "(?i)--out.*(not empty|holds)",
                d -> a("train", "--config", config(d, "c.json", x -> { }), "--out", Path.of("").toAbsolutePath().getParent()));
        add(all, c, "out-dot", "train --out . (the working directory)", "(?i)--out.*(not empty|holds)",
                d -> a("train", "--config", config(d, "c.json", x -> { }), "--out", "."));
        add(all, c, "out-existing-run", "train --out an existing run", "(?i)already holds a run|--resume",
                d -> a("train", "--config", config(d, "c.json", x -> { }), "--out", run(d)));
        add(all, c, "out-under-file", "train --out FILE/run", "(?i)--out|cannot create|not a folder",
                d -> a("train", "--config", config(d, "c.json", x -> { }), "--out", write(d, "f.txt", "x").resolve("run")));
        add(all, c, "out-nul", "train --out with a NUL character", "(?i)--out|invalid",
                d -> a("train", "--config", config(d, "c.json", x -> { }), "--out", d.resolve("o") + "\u0000x"));
        add(all, c, "out-late-prompt-too-long", "train: prompts longer than maxSeqLen (found after the folder check)", "(?i)maxSeqLen",
                d -> a("train", "--config", config(d, "c.json", x -> set(x, "policy", "maxSeqLen", 12)), "--out", d.resolve("o")));
        add(all, c, "out-late-initial-checkpoint", "train: initialCheckpoint missing", "(?i)initialCheckpoint",
                d -> a("train", "--config", config(d, "c.json", x -> set(x, "experiment", "initialCheckpoint",
                        d.resolve("nope").toString())), "--out", d.resolve("o")));
        add(all, c, "out-late-initial-sha", "train: initialWeightsSha256 does not match", "(?i)initialWeightsSha256",
                d -> a("train", "--config", config(d, "c.json", x -> {
                    set(x, "experiment", "initialCheckpoint", BadInputRound2IT.policy.toString());
                    set(x, "experiment", "initialWeightsSha256", "00");
                }), "--out", d.resolve("o")));
        add(all, c, "out-late-initial-other-shape", "train: initialCheckpoint of another shape", "(?i)initialCheckpoint",
                d -> a("train", "--config", config(d, "c.json", x -> {
                    set(x, "experiment", "initialCheckpoint", BadInputRound2IT.policy.toString());
                    set(x, "policy", "dModel", 32);
                }), "--out", d.resolve("o")));
        add(all, c, "replay-out-empty", "replay --out ''", "(?i)--out",
                d -> a("replay", BadInputRound2IT.runOk.resolve("provenance.json"), "--out", ""));
        add(all, c, "replay-out-file", "replay --out FILE", "(?i)--out",
                d -> a("replay", BadInputRound2IT.runOk.resolve("provenance.json"), "--out", write(d, "f", "x")));
        add(all, c, "replay-out-foreign", "replay --out a non-empty folder", "(?i)--out",
                d -> {
                    write(d, "o/a.txt", "x");
                    return a("replay", BadInputRound2IT.runOk.resolve("provenance.json"), "--out", d.resolve("o"));
                });
        add(all, c, "replay-out-original", "replay --out the original run", "(?i)already holds a run|--out",
                d -> {
                    Path r = run(d);
                    return a("replay", r.resolve("provenance.json"), "--out", r);
                });
        add(all, c, "study-out-empty", "study --out ''", "(?i)--out",
                d -> a("study", "--small", "--out", ""));
        add(all, c, "study-out-file", "study --out FILE", "(?i)--out",
                d -> a("study", "--small", "--out", write(d, "f", "x")));
        add(all, c, "study-out-foreign", "study --out a non-empty folder", "(?i)--out",
                d -> {
                    write(d, "o/a.txt", "x");
                    return a("study", "--small", "--out", d.resolve("o"));
                });
        add(all, c, "study-out-checkout", "study --out the checkout", "(?i)--out",
                d -> a("study", "--small", "--out", Path.of("").toAbsolutePath().getParent()));
    }

    // ---------------------------------------------------------------- sizes bounded before allocation

    private static void sized(List<Case> all, String id, String what, String message, double seconds, Args args) {
        all.add(new Case(id, "sizes", what, args, message, seconds));
    }

    private static Path pol() {
        return BadInputRound2IT.policy;
    }

    private static final String MEM = "(?i)needs about .*(GiB|TiB|MiB).*max";

    private static Args train(String component, String property, Object value) {
        return d -> a("train", "--config", config(d, "c.json", x -> set(x, component, property, value)), "--out", d.resolve("o"));
    }

    static void sizes(List<Case> all) {
        sized(all, "sample-n-2e9", "sample --n 2000000000", "--n = 2000000000.*" + MEM.substring(4), 15,
                d -> a("sample", "--checkpoint", pol(), "--prompt", "3 8 4>20:", "--max-tokens", "8", "--n", "2000000000"));
        sized(all, "sample-n-5e7", "sample --n 50000000", "--n = 50000000.*needs about", 15,
                d -> a("sample", "--checkpoint", pol(), "--prompt", "3 8 4>20:", "--max-tokens", "8", "--n", "50000000"));
        sized(all, "eval-n-1e9-one-prompt", "eval --n 1000000000 --max-prompts 1", "(?i)--n x prompts.*needs about", 15,
                d -> a("eval", "--checkpoint", pol(), "--task", "countdown", "--n", "1000000000", "--k", "1", "--max-prompts", "1"));
        sized(all, "train-prompts-per-step-1e8", "promptsPerStep = 100000000", "promptsPerStep.*100000000.*needs about", 15,
                train("experiment", "promptsPerStep", 100_000_000));
        sized(all, "train-samples-per-prompt-1e8", "samplesPerPrompt = 100000000", "samplesPerPrompt.*100000000.*needs about", 15,
                train("experiment", "samplesPerPrompt", 100_000_000));
        sized(all, "train-num-layers-1e5", "policy.numLayers = 100000", "numLayers 100000.*needs about", 15,
                train("policy", "numLayers", 100_000));
        sized(all, "train-num-layers-2e9", "policy.numLayers = 2000000000", "numLayers 2000000000.*needs about", 15,
                train("policy", "numLayers", 2_000_000_000));
        sized(all, "train-d-model-1e6", "policy.dModel = 1000000", "dModel 1000000.*needs about", 15,
                train("policy", "dModel", 1_000_000));
        sized(all, "train-ffn-1e9", "policy.ffnWidth = 1000000000", "ffnWidth 1000000000.*needs about", 15,
                train("policy", "ffnWidth", 1_000_000_000));
        sized(all, "train-max-seq-len-1e7", "policy.maxSeqLen = 10000000", "maxSeqLen 10000000.*needs about", 15,
                train("policy", "maxSeqLen", 10_000_000));
        sized(all, "train-heads-and-context", "policy.numHeads = 16, maxSeqLen = 1000000", "numHeads 16.*needs about", 15,
                d -> a("train", "--config", config(d, "c.json", x -> {
                    set(x, "policy", "numHeads", 16);
                    set(x, "policy", "maxSeqLen", 1_000_000);
                }), "--out", d.resolve("o")));
        sized(all, "train-vocab-1e9", "policy.vocabSize = 1000000000", "(?i)vocab", 15,
                train("policy", "vocabSize", 1_000_000_000));
        sized(all, "train-eval-samples-1e9", "evaluation.samples = 1000000000", "evaluation.samples.*needs about", 15,
                d -> a("train", "--config", config(d, "c.json", x -> {
                    ObjectNode ev = ((com.fasterxml.jackson.databind.node.ArrayNode) x.get("config").get("components"))
                            .addObject();
                    ev.put("name", "evaluation").put("type", "org.ead4j.eval.Evaluation");
                    ev.putObject("properties").put("samples", 1_000_000_000).putArray("ks").add("1");
                    set(x, "experiment", "evaluation", "evaluation");
                }), "--out", d.resolve("o")));
        sized(all, "checkpoint-num-layers-edited", "eval: policy.properties says numLayers=100000 (re-signed)",
                "(?i)numLayers|too small|needs about", 15,
                d -> a("eval", "--checkpoint", editedPolicy(d, "numLayers", "100000"), "--task", "countdown", "--n", "1"));
        sized(all, "checkpoint-d-model-edited", "sample: policy.properties says dModel=1000000, numHeads=2 (re-signed)",
                "(?i)dModel|needs about|too small", 15,
                d -> a("sample", "--checkpoint", editedPolicy(d, "dModel", "1000000"), "--prompt", "3 8 4>20:", "--max-tokens", "8"));
        sized(all, "checkpoint-ffn-edited", "eval: policy.properties says ffnWidth=2000000000 (re-signed)",
                "(?i)ffnWidth|needs about|too small", 15,
                d -> a("eval", "--checkpoint", editedPolicy(d, "ffnWidth", "2000000000"), "--task", "countdown", "--n", "1"));
        sized(all, "checkpoint-weights-huge", "eval: weights.safetensors grown to 8 GiB, manifest size re-written", "(?i)weights\\.safetensors.*need", 6,
                d -> {
                    Path p = copyPolicy(d);
                    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(p.resolve(PolicyCheckpoint.WEIGHTS_FILE).toFile(), "rw")) {
                        f.setLength(8L << 30);
                    }
                    Path m = p.resolve(PolicyCheckpoint.MANIFEST);
                    Files.writeString(m, Files.readString(m).replaceAll("file\\.weights\\.safetensors\\.bytes=\\d+",
                            "file.weights.safetensors.bytes=" + (8L << 30)));
                    return a("eval", "--checkpoint", p, "--task", "countdown", "--n", "1");
                });
        sized(all, "metrics-dev-zero", "metrics --rollouts /dev/zero", "(?i)not a regular file", 10,
                d -> a("metrics", "--rollouts", "/dev/zero"));
        sized(all, "metrics-sparse-100g", "metrics --rollouts a 100 GiB file", "(?i)--rollouts.*more than", 10,
                d -> a("metrics", "--rollouts", sparse(d, "r.jsonl", 100L << 30)));
        sized(all, "eval-data-dev-zero", "eval --data /dev/zero", "(?i)not a regular file", 15,
                d -> a("eval", "--checkpoint", pol(), "--data", "/dev/zero"));
        sized(all, "eval-data-sparse", "eval --data a 64 GiB file", "(?i)--data.*more than", 15,
                d -> a("eval", "--checkpoint", pol(), "--data", sparse(d, "d.jsonl", 64L << 30)));
        sized(all, "train-config-dev-zero", "train --config /dev/zero", "(?i)not a regular file", 10,
                d -> a("train", "--config", "/dev/zero", "--out", d.resolve("o")));
        sized(all, "train-config-sparse", "train --config a 2 GiB file", "(?i)--config.*more than", 10,
                d -> a("train", "--config", sparse(d, "c.json", 2L << 30), "--out", d.resolve("o")));
        sized(all, "replay-dev-zero", "replay /dev/zero", "(?i)not a regular file|no such", 10,
                d -> a("replay", "/dev/zero", "--out", d.resolve("o")));
        sized(all, "diff-sparse", "diff a 2 GiB provenance", "(?i)more than", 10,
                d -> a("diff", sparse(d, "p.json", 2L << 30), BadInputRound2IT.runOk));
        sized(all, "plot-steps-sparse", "plot: steps.jsonl is a 100 GiB file", "(?i)steps\\.jsonl.*more than", 10,
                d -> {
                    Path r = run(d);
                    Files.delete(r.resolve("steps.jsonl"));
                    sparse(r, "steps.jsonl", 100L << 30);
                    return a("plot", r);
                });
        sized(all, "resume-steps-sparse", "train --resume: steps.jsonl is a 100 GiB file", "(?i)steps\\.jsonl.*more than", 10,
                d -> {
                    Path r = run(d);
                    Files.delete(r.resolve("steps.jsonl"));
                    sparse(r, "steps.jsonl", 100L << 30);
                    return a("train", "--resume", r, "--no-plots");
                });
        sized(all, "train-task-data-dev-zero", "train: a JsonlTask whose trainFile is /dev/zero", "(?i)not a regular file", 15,
                d -> a("train", "--config", config(d, "c.json", x -> {
                    for (com.fasterxml.jackson.databind.JsonNode n : x.get("config").get("components")) {
                        if (n.get("name").asText().equals("task")) {
                            ((ObjectNode) n).put("type", "org.ead4j.task.JsonlTask");
                            ObjectNode props = ((ObjectNode) n).putObject("properties");
                            props.put("trainFile", "/dev/zero");
                            props.put("evalFile", "/dev/zero");
                        }
                    }
                }), "--out", d.resolve("o")));
        sized(all, "study-config-dev-zero", "study --config /dev/zero", "(?i)not a regular file", 10,
                d -> a("study", "--config", "/dev/zero", "--out", d.resolve("o")));
    }

    // ---------------------------------------------------------------- clean errors, every command

    private static Args metrics(String content, String... more) {
        return d -> {
            String[] head = a("metrics", "--rollouts", write(d, "r.jsonl", content));
            String[] out = java.util.Arrays.copyOf(head, head.length + more.length);
            System.arraycopy(more, 0, out, head.length, more.length);
            return out;
        };
    }

    private static final String GOOD = "{\"prompt_id\":\"a\",\"reward\":1}\n{\"prompt_id\":\"a\",\"reward\":0}\n";

    private static Args withConfigText(String text) {
        return d -> a("train", "--config", write(d, "c.json", text), "--out", d.resolve("o"));
    }

    private static Path provenance(Path d, String text) throws Exception {
        return write(d, "provenance.json", text);
    }

    static void messages(List<Case> all) {
        String c = "messages";
        add(all, c, "config-empty-list", "train --config []", "(?i)empty JSON list|config", withConfigText("[]"));
        add(all, c, "config-list-42", "train --config [42]", "(?i)element \\[0\\]|config", withConfigText("[42]"));
        add(all, c, "config-list-string", "train --config [\"x\"]", "(?i)element \\[0\\]|config", withConfigText("[\"x\"]"));
        add(all, c, "config-empty-object", "train --config {}", "(?i)config", withConfigText("{}"));
        add(all, c, "config-null", "train --config null", "(?i)config|null", withConfigText("null"));
        add(all, c, "config-number", "train --config 42", "(?i)config|42", withConfigText("42"));
        add(all, c, "config-string", "train --config \"x\"", "(?i)config", withConfigText("\"x\""));
        add(all, c, "config-config-list", "train --config {\"config\": []}", "(?i)config|components", withConfigText("{\"config\": []}"));
        add(all, c, "config-components-string", "components is a string", "(?i)components",
                withConfigText("{\"config\": {\"components\": \"x\"}}"));
        add(all, c, "config-properties-list", "a component's properties is a list", "(?i)properties",
                withConfigText("{\"config\": {\"components\": [{\"name\": \"e\", \"type\": \"org.ead4j.train.RlvrTrainer\", "
                        + "\"properties\": [1]}]}}"));
        add(all, c, "config-string-for-list", "evaluation.ks is a string, not a list", "(?i)ks",
                d -> a("train", "--config", config(d, "c.json", x -> {
                    ObjectNode ev = ((com.fasterxml.jackson.databind.node.ArrayNode) x.get("config").get("components")).addObject();
                    ev.put("name", "evaluation").put("type", "org.ead4j.eval.Evaluation");
                    ev.putObject("properties").put("ks", "abc");
                    set(x, "experiment", "evaluation", "evaluation");
                }), "--out", d.resolve("o")));
        add(all, c, "config-list-for-string", "experiment.seed is a list", "(?i)seed",
                train("experiment", "seed", List.of(1, 2)));
        add(all, c, "config-object-for-int", "experiment.steps is an object", "(?i)steps",
                train("experiment", "steps", java.util.Map.of("a", 1)));
        add(all, c, "config-foreign-class", "a component of class java.lang.ProcessBuilder", "(?i)allowlist",
                d -> a("train", "--config", config(d, "c.json", x -> {
                    for (com.fasterxml.jackson.databind.JsonNode n : x.get("config").get("components")) {
                        if (n.get("name").asText().equals("optimizer")) {
                            ((ObjectNode) n).put("type", "java.lang.ProcessBuilder");
                        }
                    }
                }), "--out", d.resolve("o")));
        add(all, c, "schedule-plot-folder", "schedule --plot names a folder", "(?i)--plot",
                d -> a("schedule", "--plot", d));
        add(all, c, "schedule-plot-missing-parent", "schedule --plot in a folder that does not exist", "(?i)--plot",
                d -> a("schedule", "--plot", d.resolve("nope/tau.png")));
        add(all, c, "schedule-plot-under-file", "schedule --plot under a file", "(?i)--plot",
                d -> a("schedule", "--plot", write(d, "f", "x").resolve("tau.png")));
        add(all, c, "plot-plots-is-file", "plot RUN whose plots/ is a file", "(?i)plots",
                d -> {
                    Path r = run(d);
                    AtomicFiles.deleteTree(r.resolve("plots"));
                    Files.writeString(r.resolve("plots"), "x");
                    return a("plot", r);
                });
        add(all, c, "replay-provenance-empty-list", "replay of []", "(?i)empty JSON list", d -> a("replay", provenance(d, "[]"), "--out", d.resolve("o")));
        add(all, c, "replay-provenance-42", "replay of [42]", "(?i)element \\[0\\]", d -> a("replay", provenance(d, "[42]"), "--out", d.resolve("o")));
        add(all, c, "replay-foreign-class", "replay: provenance names a foreign class", "(?i)allowlist",
                d -> a("replay", provenance(d, Files.readString(BadInputRound2IT.runOk.resolve("provenance.json"))
                        .replace("org.ead4j.samediff.policy.AdamW", "javax.script.ScriptEngineManager")), "--out", d.resolve("o")));
        add(all, c, "replay-config-file", "replay of a configuration file (not a provenance)", "(?i)provenance|list",
                d -> a("replay", config(d, "c.json", x -> { }), "--out", d.resolve("o")));
        add(all, c, "replay-folder", "replay of a folder", "(?i)not a regular file|provenance",
                d -> a("replay", d, "--out", d.resolve("o")));
        add(all, c, "replay-missing", "replay of a missing file", "(?i)no such", d -> a("replay", d.resolve("nope.json"), "--out", d.resolve("o")));
        add(all, c, "replay-truncated", "replay of a provenance cut in half", "(?i)malformed|json",
                d -> {
                    String p = Files.readString(BadInputRound2IT.runOk.resolve("provenance.json"));
                    return a("replay", provenance(d, p.substring(0, p.length() / 2)), "--out", d.resolve("o"));
                });
        add(all, c, "replay-binary", "replay of binary bytes", "(?i)json|neither",
                d -> {
                    Files.write(d.resolve("p.json"), new byte[]{0, 1, 2, (byte) 0xff, (byte) 0xfe, 7});
                    return a("replay", d.resolve("p.json"), "--out", d.resolve("o"));
                });
        add(all, c, "replay-object", "replay of a JSON object", "(?i)provenance|list|config",
                d -> a("replay", provenance(d, "{\"a\": 1}"), "--out", d.resolve("o")));
        add(all, c, "diff-empty-list", "diff of [] and a run", "(?i)empty JSON list",
                d -> a("diff", provenance(d, "[]"), BadInputRound2IT.runOk));
        add(all, c, "diff-42", "diff of a run and [42]", "(?i)element \\[0\\]",
                d -> a("diff", BadInputRound2IT.runOk, provenance(d, "[42]")));
        add(all, c, "diff-foreign-class", "diff: provenance names a foreign class", "(?i)allowlist",
                d -> a("diff", provenance(d, Files.readString(BadInputRound2IT.runOk.resolve("provenance.json"))
                        .replace("org.ead4j.task.CountdownTask", "java.lang.Runtime")), BadInputRound2IT.runOk));
        add(all, c, "diff-missing", "diff with a missing run", "(?i)no such", d -> a("diff", d.resolve("x"), BadInputRound2IT.runOk));
        add(all, c, "diff-folder-no-provenance", "diff with a folder that is not a run", "(?i)no provenance\\.json|not an ead4j run",
                d -> a("diff", d, BadInputRound2IT.runOk));
        add(all, c, "diff-empty-file", "diff with an empty file", "(?i)empty", d -> a("diff", write(d, "p.json", ""), BadInputRound2IT.runOk));
        add(all, c, "diff-config-not-provenance", "diff with a configuration file", "(?i)provenance|list",
                d -> a("diff", config(d, "c.json", x -> { }), BadInputRound2IT.runOk));
        add(all, c, "diff-text", "diff with a text file", "(?i)json|neither", d -> a("diff", write(d, "p.txt", "hello"), BadInputRound2IT.runOk));
        add(all, c, "diff-one-arg", "diff with one run", "(?i)RUN_B|missing", d -> a("diff", BadInputRound2IT.runOk));
        add(all, c, "metrics-empty-file", "metrics of an empty file", "(?i)empty|no rollouts|no records", metrics(""));
        add(all, c, "metrics-list-line", "metrics: a line is []", "(?i)line 1|:1:", metrics("[]\n"));
        add(all, c, "metrics-42-line", "metrics: a line is [42]", "(?i)line 1|:1:", metrics("[42]\n"));
        add(all, c, "metrics-string-line", "metrics: a line is a string", "(?i)line 1|:1:", metrics("\"x\"\n"));
        add(all, c, "metrics-no-prompt-id", "metrics: a line without prompt_id", "(?i)prompt_id", metrics("{\"reward\":1}\n"));
        add(all, c, "metrics-reward-string", "metrics: reward is a string", "(?i)reward", metrics("{\"prompt_id\":\"a\",\"reward\":\"high\"}\n"));
        add(all, c, "metrics-reward-list", "metrics: reward is a list", "(?i)reward", metrics("{\"prompt_id\":\"a\",\"reward\":[1]}\n"));
        add(all, c, "metrics-reward-nan", "metrics: reward NaN", "(?i)reward|NaN", metrics("{\"prompt_id\":\"a\",\"reward\":NaN}\n"));
        add(all, c, "metrics-correct-string", "metrics: correct is \"yes\"", "(?i)correct", metrics("{\"prompt_id\":\"a\",\"correct\":\"yes\"}\n"));
        add(all, c, "metrics-prompt-id-object", "metrics: prompt_id is an object", "(?i)prompt_id", metrics("{\"prompt_id\":{},\"reward\":1}\n"));
        add(all, c, "metrics-truncated-json", "metrics: a line cut in the middle", "(?i)line 3|:3:", metrics(GOOD + "{\"prompt_id\":\"a\",\"rew\n"));
        add(all, c, "metrics-invalid-utf8", "metrics: invalid UTF-8", "(?i)UTF-8",
                d -> {
                    Files.write(d.resolve("r.jsonl"), new byte[]{'{', '"', 'p', (byte) 0xff, '"', ':', '1', '}', '\n'});
                    return a("metrics", "--rollouts", d.resolve("r.jsonl"));
                });
        add(all, c, "metrics-folder", "metrics --rollouts a folder", "(?i)--rollouts", d -> a("metrics", "--rollouts", d));
        add(all, c, "metrics-missing", "metrics --rollouts a missing file", "(?i)no such", d -> a("metrics", "--rollouts", d.resolve("x")));
        add(all, c, "metrics-k-zero", "metrics --k 0", "(?i)--k", metrics(GOOD, "--k", "0"));
        add(all, c, "metrics-k-word", "metrics --k abc", "(?i)--k|abc", metrics(GOOD, "--k", "abc"));
        add(all, c, "metrics-k-negative", "metrics --k -3", "(?i)--k|-3", metrics(GOOD, "--k", "-3"));
        add(all, c, "metrics-k-above-samples", "metrics --k 8 with 2 samples per prompt", "(?i)k|samples", metrics(GOOD, "--k", "8"));
        add(all, c, "metrics-bootstrap-zero", "metrics --bootstrap-draws 0", "(?i)--bootstrap-draws", metrics(GOOD, "--bootstrap-draws", "0"));
        add(all, c, "metrics-bootstrap-huge", "metrics --bootstrap-draws 2000000000", "(?i)--bootstrap-draws", metrics(GOOD, "--bootstrap-draws", "2000000000"));
        add(all, c, "metrics-max-line-zero", "metrics --max-line-bytes 0", "(?i)--max-line-bytes", metrics(GOOD, "--max-line-bytes", "0"));
        add(all, c, "metrics-line-too-long", "metrics: a line longer than --max-line-bytes 10", "(?i)line 1|bytes", metrics(GOOD, "--max-line-bytes", "10"));
        add(all, c, "metrics-threshold-nan", "metrics --correct-threshold NaN", "(?i)--correct-threshold", metrics(GOOD, "--correct-threshold", "NaN"));
        add(all, c, "metrics-seed-word", "metrics --seed x", "(?i)--seed|'x'", metrics(GOOD, "--seed", "x"));
        add(all, c, "plot-missing", "plot of a missing run", "(?i)no such", d -> a("plot", d.resolve("x")));
        add(all, c, "plot-file", "plot of a file", "(?i)run folder|not a folder|no such", d -> a("plot", write(d, "f", "x")));
        add(all, c, "plot-empty-folder", "plot of an empty folder", "(?i)not an ead4j run", d -> a("plot", d));
        add(all, c, "plot-positions-reversed", "plot --positions 9..2", "9\\.\\.2", d -> a("plot", BadInputRound2IT.runOk, "--positions", "9..2"));
        add(all, c, "plot-schedule-steps-negative", "plot --schedule-steps -1", "(?i)--schedule-steps", d -> a("plot", BadInputRound2IT.runOk, "--schedule-steps", "-1"));
        add(all, c, "plot-schedule-steps-word", "plot --schedule-steps x", "(?i)--schedule-steps|'x'", d -> a("plot", BadInputRound2IT.runOk, "--schedule-steps", "x"));
        add(all, c, "plot-garbage-logs", "plot of a run whose logs are garbage", "(?i)nothing to plot|not an ead4j",
                d -> {
                    Path r = Files.createDirectories(d.resolve("r"));
                    Files.writeString(r.resolve("steps.jsonl"), "garbage\n[1]\n");
                    Files.writeString(r.resolve("eval.jsonl"), "{\"x\":\n");
                    return a("plot", r);
                });
        add(all, c, "plot-provenance-42", "plot of a run whose provenance.json is [42] and no logs", "(?i)provenance|nothing to plot",
                d -> {
                    Path r = Files.createDirectories(d.resolve("r"));
                    Files.writeString(r.resolve("provenance.json"), "[42]");
                    return a("plot", r);
                });
        add(all, c, "study-config-missing", "study --config missing", "(?i)no such", d -> a("study", "--config", d.resolve("x.json"), "--out", d.resolve("o")));
        add(all, c, "study-config-empty-list", "study --config []", "(?i)empty JSON list", d -> a("study", "--config", write(d, "s.json", "[]"), "--out", d.resolve("o")));
        add(all, c, "study-config-42", "study --config [42]", "(?i)element \\[0\\]", d -> a("study", "--config", write(d, "s.json", "[42]"), "--out", d.resolve("o")));
        add(all, c, "study-config-is-experiment", "study --config an experiment configuration", "(?i)StudyConfig|study",
                d -> a("study", "--config", config(d, "c.json", x -> { }), "--out", d.resolve("o")));
        add(all, c, "study-methods-string", "study: methods is a string, not a list", "(?i)methods",
                d -> {
                    String t = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("examples/configs/study-small.json"));
                    com.fasterxml.jackson.databind.node.ObjectNode root = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(t);
                    for (com.fasterxml.jackson.databind.JsonNode n : root.get("config").get("components")) {
                        if (n.get("name").asText().equals("study")) {
                            ((ObjectNode) n.get("properties")).put("methods", "methods-ead");
                        }
                    }
                    return a("study", "--config", write(d, "s.json", root.toString()), "--out", d.resolve("o"));
                });
        add(all, c, "study-parallel-zero", "study --parallel 0", "(?i)--parallel", d -> a("study", "--small", "--parallel", "0", "--out", d.resolve("o")));
        add(all, c, "study-child-heap-word", "study --child-heap lots", "(?i)--child-heap", d -> a("study", "--small", "--child-heap", "lots", "--out", d.resolve("o")));
        add(all, c, "study-both-sources", "study --small --config X", "(?i)mutually exclusive|--small|--config",
                d -> a("study", "--small", "--config", config(d, "c.json", x -> { }), "--out", d.resolve("o")));
        add(all, c, "study-no-out", "study --small without --out", "(?i)--out", d -> a("study", "--small"));
        add(all, c, "eval-checkpoint-file", "eval --checkpoint a file", "(?i)--checkpoint", d -> a("eval", "--checkpoint", write(d, "f", "x"), "--task", "countdown"));
        add(all, c, "eval-checkpoint-empty-folder", "eval --checkpoint an empty folder", "(?i)--checkpoint", d -> a("eval", "--checkpoint", d, "--task", "countdown"));
        add(all, c, "eval-data-folder", "eval --data a folder", "(?i)--data", d -> a("eval", "--checkpoint", pol(), "--data", d));
        add(all, c, "eval-data-list-line", "eval --data with a [] line", "(?i)line 1|:1:",
                d -> a("eval", "--checkpoint", pol(), "--data", write(d, "d.jsonl", "[]\n")));
        add(all, c, "eval-data-no-answer", "eval --data without answer", "(?i)answer",
                d -> a("eval", "--checkpoint", pol(), "--data", write(d, "d.jsonl", "{\"id\":\"a\",\"prompt\":\"1:\"}\n")));
        add(all, c, "eval-k-zero", "eval --k 0", "(?i)\\bk\\b", d -> a("eval", "--checkpoint", pol(), "--task", "countdown", "--n", "2", "--k", "0"));
        add(all, c, "eval-max-prompts-negative", "eval --max-prompts -1", "(?i)maxPrompts|max-prompts", d -> a("eval", "--checkpoint", pol(), "--task", "countdown", "--max-prompts", "-1"));
        add(all, c, "eval-data-and-task", "eval --data and --task", "(?i)either", d -> a("eval", "--checkpoint", pol(), "--task", "countdown", "--data", write(d, "d.jsonl", "x")));
        add(all, c, "sample-n-zero", "sample --n 0", "(?i)--n", d -> a("sample", "--checkpoint", pol(), "--prompt", "1:", "--n", "0"));
        add(all, c, "sample-n-negative", "sample --n -5", "(?i)--n", d -> a("sample", "--checkpoint", pol(), "--prompt", "1:", "--n", "-5"));
        add(all, c, "sample-prompt-outside-alphabet", "sample --prompt with letters", "(?i)--prompt|alphabet", d -> a("sample", "--checkpoint", pol(), "--prompt", "hello"));
        add(all, c, "sample-max-tokens-huge", "sample --max-tokens 2000000000", "(?i)--max-tokens|maxSeqLen", d -> a("sample", "--checkpoint", pol(), "--prompt", "1:", "--max-tokens", "2000000000"));
        add(all, c, "sample-checkpoint-missing", "sample --checkpoint missing", "(?i)no such", d -> a("sample", "--checkpoint", d.resolve("x"), "--prompt", "1:"));
        add(all, c, "schedule-preset-unknown", "schedule --preset nope", "(?i)nope", d -> a("schedule", "--preset", "nope"));
        add(all, c, "schedule-tau-max-nan", "schedule --tau-max NaN", "(?i)tau", d -> a("schedule", "--tau-max", "NaN"));
        add(all, c, "schedule-d0-zero", "schedule --d0 0", "(?i)d0", d -> a("schedule", "--d0", "0"));
        add(all, c, "schedule-alpha-negative", "schedule --alpha -1", "(?i)alpha", d -> a("schedule", "--alpha", "-1"));
    }
}
