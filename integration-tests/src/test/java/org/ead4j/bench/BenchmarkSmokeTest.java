package org.ead4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ead4j.cli.EadCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiny-shape runs of {@code ./ead bench decode} and {@code ./ead bench train}: they finish and write sane JSON. */
class BenchmarkSmokeTest {

    private static int run(String... args) {
        return EadCommand.commandLine(new BenchCommand()).execute(args);
    }

    private static void positive(JsonNode row, String field) {
        double v = row.path(field).asDouble(Double.NaN);
        assertTrue(v > 0 && Double.isFinite(v), field + " = " + row.path(field) + " in " + row);
    }

    @Test
    void decodeBenchmarkWritesRatiosAndMemory(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("decode.json");
        int rc = run("decode", "--configs", "micro,qwen2-micro", "--batches", "1,3", "--prompt", "6", "--steps", "5",
                "--repeats", "1", "--naive-samples", "2", "--memory-configs", "micro", "--memory-batch", "3",
                "--memory-context", "16", "--memory-steps", "4", "--matmul-millis", "20", "--out", out.toString());
        assertEquals(0, rc);
        JsonNode root = new ObjectMapper().readTree(Files.readString(out));
        JsonNode rows = root.get("rows");
        assertEquals(4, rows.size()); // ead4j's GPT and a Hugging Face family, two batch sizes each
        for (JsonNode row : rows) {
            for (String f : new String[]{"ours_tok_s", "torch_tok_s", "naive_tok_s", "ours_over_torch", "ours_over_naive",
                "ours_gflops", "torch_gflops"}) {
                positive(row, f);
            }
            assertEquals(11, row.get("context").asInt());
            // greedy decoding of the same model on both sides picks the same tokens
            assertEquals(1.0, row.get("same_tokens").asDouble(), 1e-9);
            assertEquals(1.0, row.get("naive_same_tokens").asDouble(), 1e-9);
            assertTrue(row.get("logit_diff_full").asDouble() <= 1e-4);
        }
        JsonNode memory = root.get("memory");
        assertEquals(2, memory.size());
        for (JsonNode m : memory) {
            positive(m, "peak_mb");
            positive(m, "kv_cache_mb");
            assertTrue(m.get("peak_mb").asDouble() >= m.get("baseline_mb").asDouble());
        }
        assertEquals(4, root.get("matmul").size()); // two shapes, measured at the start and the end
        positive(root, "nd4j_gemm_peak_gflops");
        assertTrue(root.get("targets").size() >= 3);
    }

    @Test
    void trainBenchmarkWritesRatios(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("train.json");
        int rc = run("train", "--configs", "micro", "--batch", "2", "--seq", "8", "--repeats", "2", "--out", out.toString());
        assertEquals(0, rc);
        JsonNode row = new ObjectMapper().readTree(Files.readString(out)).get("rows").get(0);
        positive(row, "ours_tok_s");
        positive(row, "torch_tok_s");
        positive(row, "ours_over_torch");
        // same weights, batch and loss: the first losses agree; both optimisers then lower it
        assertEquals(row.get("loss0_ours").asDouble(), row.get("loss0_torch").asDouble(), 1e-5);
        assertTrue(row.get("loss_last_ours").asDouble() < row.get("loss0_ours").asDouble());
        assertTrue(row.get("loss_last_torch").asDouble() < row.get("loss0_torch").asDouble());
        assertEquals(Math.abs(row.get("loss_last_ours").asDouble() - row.get("loss_last_torch").asDouble()), 0, 1e-3);
    }
}
