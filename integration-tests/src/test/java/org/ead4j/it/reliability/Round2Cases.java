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
                    flip(step(r, 1).resolve("policy/weights.bin"));
                    flip(step(r, 2).resolve("policy/weights.bin"));
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
}
