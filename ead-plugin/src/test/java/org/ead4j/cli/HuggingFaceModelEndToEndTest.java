package org.ead4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ead4j.run.RunComparison;
import org.ead4j.run.RunDirectory;
import org.ead4j.samediff.hf.HfModel;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.testing.TokenizerFixtures;
import org.ead4j.tokenizer.HuggingFaceTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;

/**
 * A Hugging Face model folder through the real command line: {@code model new} (Qwen2 shape, the real Qwen3
 * tokenizer), {@code model info}, greedy {@code sample --model}, a few EAD training steps on a JSONL math task with
 * the chat template, resume and replay bit-identical, and {@code export} back to a folder that loads to the same
 * weights.
 */
class HuggingFaceModelEndToEndTest {

    @TempDir
    static Path tmp;

    static Path model;

    private record Run(int code, String out, String err) {
    }

    private static Run ead(String... args) {
        CommandLine cl = EadCommand.commandLine(new EadCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void newModel() {
        Path tok = TokenizerFixtures.qwen3Dir().resolve("tokenizer.json");
        model = tmp.resolve("qwen2-tiny");
        Run r = ead("model", "new", "--arch", "qwen2", "--hidden", "32", "--layers", "2", "--heads", "4", "--kv-heads", "2",
                "--intermediate", "48", "--context", "1024", "--tokenizer", tok.toString(), "--seed", "3",
                "--out", model.toString());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void modelInfoCountsTheWeightsInTheFiles() throws Exception {
        Run r = ead("model", "info", model.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        long v = 151669; // the Qwen3 tokenizer's ids: the default vocabulary of 'model new --tokenizer'
        long d = 32;
        long f = 48;
        long q = 4 * 8;
        long kv = 2 * 8;
        // tied embedding + per layer: 2 norms, q/k/v with biases, o, gate/up/down; final norm
        long perLayer = 2 * d + (d * q + q) + 2 * (d * kv + kv) + q * d + 3 * d * f;
        assertEquals(v * d + 2 * perLayer + d, j.get("parameters").asLong());
        assertEquals("Qwen2ForCausalLM", j.get("architecture").asText());
        assertEquals(v, j.get("vocab_size").asLong());
        assertEquals(1024, j.get("context").asInt());
        assertEquals(2, ead("model", "info", tmp.resolve("nothing").toString()).code());
    }

    @Test
    void greedySampleEqualsTheGraphsArgmax() throws Exception {
        Run r = ead("sample", "--model", model.toString(), "--prompt-ids", "9707,11,1879", "--greedy", "--max-tokens", "6",
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("[9707,11,1879]", j.get("prompt_ids").toString());
        assertEquals(1, j.get("responses").size());
        JsonNode resp = j.get("responses").get(0);
        assertTrue(resp.get("text").isTextual());
        int[] ids = new int[resp.get("ids").size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = resp.get("ids").get(i).asInt();
        }
        // the same greedy tokens from the full SameDiff forward pass (no KV cache), one position at a time
        PolicyTransformer policy = HfModel.loadPolicy(model);
        int[] stops = new HuggingFaceTokenizer(model).stopIds();
        List<Integer> seq = new ArrayList<>(List.of(9707, 11, 1879));
        List<Integer> want = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int[] row = seq.stream().mapToInt(Integer::intValue).toArray();
            INDArray tokens = Nd4j.createFromArray(new int[][]{row});
            INDArray logits = policy.forward(Map.of(PolicyTransformer.TOKENS, tokens), PolicyTransformer.LOGITS)
                    .get(PolicyTransformer.LOGITS);
            int next = logits.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(row.length - 1),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).argMax().getInt(0);
            want.add(next);
            seq.add(next);
            if (Arrays.stream(stops).anyMatch(s -> s == next)) {
                break;
            }
        }
        assertArrayEquals(want.stream().mapToInt(Integer::intValue).toArray(), ids);
        // text prompts go through the model's tokenizer
        Run text = ead("sample", "--model", model.toString(), "--prompt", "What is 2+2?", "--n", "2", "--max-tokens", "4",
                "--json");
        assertEquals(0, text.code(), text.err());
        JsonNode tj = new ObjectMapper().readTree(text.out());
        assertEquals(new HuggingFaceTokenizer(model).encode("What is 2+2?").length, tj.get("prompt_ids").size());
        assertEquals(2, tj.get("responses").size());
        assertEquals(2, ead("sample", "--model", model.toString(), "--prompt-ids", "9707,999999", "--greedy").code());
    }

    @Test
    void trainsResumesReplaysAndExports() throws Exception {
        Path data = tmp.resolve("math");
        Files.createDirectories(data);
        StringBuilder train = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            train.append("{\"id\":\"t").append(i).append("\",\"prompt\":\"What is ").append(i).append("+").append(i + 2)
                    .append("?\",\"answer\":\"").append(2 * i + 2).append("\"}\n");
        }
        Files.writeString(data.resolve("train.jsonl"), train);
        Files.writeString(data.resolve("eval.jsonl"), "{\"id\":\"e0\",\"prompt\":\"What is 3+5?\",\"answer\":\"8\"}\n"
                + "{\"id\":\"e1\",\"prompt\":\"What is 7+1?\",\"answer\":\"8\"}\n");
        Path config = tmp.resolve("qwen2-ead.json");
        Files.writeString(config, experiment(model, data));
        Path run = tmp.resolve("run");
        Run r = ead("train", "--config", config.toString(), "--out", run.toString(), "--no-plots");
        assertEquals(0, r.code(), r.err() + r.out());
        List<String> steps = Files.readAllLines(run.resolve(RunDirectory.STEPS));
        assertEquals(2, steps.size());
        JsonNode step2 = new ObjectMapper().readTree(steps.get(1));
        assertTrue(step2.get("actor/grad_norm").asDouble() > 0, "the entropy bonus moves the weights: " + steps.get(1));
        assertTrue(step2.get("rollout/tau_max").asDouble() > 1.0, "EAD explores above tau = 1 after the warm-up");
        String provenance = Files.readString(run.resolve(RunDirectory.PROVENANCE));
        assertTrue(provenance.contains("initial-weights-sha256") && provenance.contains("initialModel")
                && provenance.contains("tokenizerSha256"), "provenance records the model, its weights and tokenizer");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("final-weights-sha256.{0,80}?([0-9a-f]{64})", java.util.regex.Pattern.DOTALL)
                .matcher(Files.readString(run.resolve(RunDirectory.PROVENANCE)));
        assertTrue(m.find(), "provenance records the final weights");
        String finalHash = m.group(1);

        // resume after losing the last step: the records and the final weights come back identical
        Path resumed = tmp.resolve("resumed");
        copyTree(run, resumed);
        deleteTree(resumed.resolve("checkpoints").resolve("step-2"));
        Files.write(resumed.resolve(RunDirectory.STEPS), steps.subList(0, 1));
        Run rr = ead("train", "--resume", resumed.toString(), "--no-plots");
        assertEquals(0, rr.code(), rr.err() + rr.out());
        assertEquals(List.of(), RunComparison.differences(run.resolve(RunDirectory.STEPS), resumed.resolve(RunDirectory.STEPS), 5));

        // replay from provenance
        Run replay = ead("replay", run.resolve(RunDirectory.PROVENANCE).toString(), "--out", tmp.resolve("replay").toString(),
                "--no-plots");
        assertEquals(0, replay.code(), replay.err() + replay.out());
        assertEquals(List.of(), RunComparison.differences(run.resolve(RunDirectory.STEPS),
                tmp.resolve("replay").resolve(RunDirectory.STEPS), 5));

        // export: a Hugging Face folder that loads to the trained weights, bit for bit
        Path exported = tmp.resolve("exported");
        Run ex = ead("export", "--checkpoint", run.toString(), "--out", exported.toString());
        assertEquals(0, ex.code(), ex.err());
        assertTrue(Files.isRegularFile(exported.resolve("tokenizer.json")), "tokenizer files copied");
        PolicyTransformer back = HfModel.loadPolicy(exported);
        assertEquals(finalHash, back.weightsSha256());
        PolicyConfig pc = back.config();
        assertEquals(DataType.FLOAT, back.floatType());
        assertEquals(2, pc.numKvHeads());
        assertEquals(2, ead("export", "--checkpoint", run.toString(), "--out", exported.toString()).code(),
                "a non-empty --out is refused");
    }

    private static String experiment(Path model, Path data) {
        String m = model.toString().replace("\\", "\\\\");
        String d = data.toString().replace("\\", "\\\\");
        return """
            {"config": {"components": [
              {"name": "experiment", "type": "org.ead4j.train.RlvrTrainer",
               "properties": {"initialModel": "%s", "tokenizer": "tokenizer", "task": "task", "schedule": "schedule",
                 "optimizer": "optimizer", "evaluation": "evaluation", "loss": "loss", "seed": 5, "steps": 2, "promptsPerStep": 2,
                 "samplesPerPrompt": 2, "maxResponseTokens": 14, "checkpointEvery": 1, "evalEvery": 0,
                 "evalBeforeTraining": false}},
              {"name": "tokenizer", "type": "org.ead4j.tokenizer.HuggingFaceTokenizer", "properties": {"path": "%s"}},
              {"name": "task", "type": "org.ead4j.task.JsonlTask",
               "properties": {"trainFile": "%s/train.jsonl", "evalFile": "%s/eval.jsonl", "name": "math",
                 "chatTemplate": true, "systemPrompt": "Put the final answer in \\\\boxed{}.", "tokenizer": "tokenizer"}},
              {"name": "schedule", "type": "org.ead4j.samediff.schedule.ExploratoryAnnealing",
               "properties": {"tauMax": 1.2, "tauMin": 0.1, "d0": 25, "alpha": 5, "dMax": 40000, "warmup": 10,
                 "positionScale": 20}},
              {"name": "loss", "type": "org.ead4j.loss.DapoLoss", "properties": {"entropyCoeff": 0.01}},
              {"name": "optimizer", "type": "org.ead4j.samediff.policy.AdamW", "properties": {"learningRate": 0.001}},
              {"name": "evaluation", "type": "org.ead4j.eval.Evaluation",
               "properties": {"samples": 2, "ks": [1, 2]}}
            ]}}
            """.formatted(m, m, d, d);
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
