package org.ead4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ead4j.samediff.hf.HfModel;
import org.ead4j.samediff.hf.PeftAdapter;
import org.ead4j.samediff.io.PolicyCheckpoint;
import org.ead4j.samediff.policy.LoraConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine;

/**
 * A LoRA policy through the command line: {@code export} writes a PEFT adapter folder (or with {@code --merge} the
 * merged model), and {@code sample --model BASE --adapter DIR}, the merged folder and the checkpoint itself all
 * decode the same greedy tokens.
 */
class LoraExportCommandsTest {

    @TempDir
    Path tmp;

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

    private static String greedy(String... source) throws Exception {
        String[] args = new String[source.length + 7];
        System.arraycopy(source, 0, args, 1, source.length);
        args[0] = "sample";
        System.arraycopy(new String[]{"--prompt-ids", "5,17,42", "--greedy", "--max-tokens", "6", "--json"}, 0, args,
                source.length + 1, 6);
        Run r = ead(args);
        assertEquals(0, r.code(), r.err());
        return new ObjectMapper().readTree(r.out()).get("responses").get(0).get("ids").toString();
    }

    @Test
    void adapterAndMergedExportsDecodeLikeTheCheckpoint() throws Exception {
        Path base = tmp.resolve("base");
        assertEquals(0, ead("model", "new", "--arch", "llama", "--vocab", "64", "--seed", "4", "--out", base.toString()).code());
        HfModel model = HfModel.load(base);
        LoraConfig lora = new LoraConfig(4, 8, List.of("q_proj", "v_proj", "down_proj"), false, 9);
        PolicyTransformer policy = PolicyTransformer.withWeights(model.config().policy(), lora, model.weights());
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(11);
        for (Map.Entry<String, INDArray> e : policy.parameters().entrySet()) {
            if (e.getKey().endsWith("lora_B")) {
                e.getValue().assign(org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT,
                        e.getValue().shape()).subi(0.5).muli(2.0)); // adapters that change the output
            }
        }
        Path ck = tmp.resolve("ck");
        PolicyCheckpoint.save(ck, policy, null);

        Path adapter = tmp.resolve("adapter");
        Run ex = ead("export", "--checkpoint", ck.toString(), "--out", adapter.toString());
        assertEquals(0, ex.code(), ex.err());
        assertTrue(Files.isRegularFile(adapter.resolve(PeftAdapter.CONFIG_FILE)), ex.out());
        assertTrue(Files.isRegularFile(adapter.resolve(PeftAdapter.WEIGHTS_FILE)));
        Path merged = tmp.resolve("merged");
        assertEquals(0, ead("export", "--checkpoint", ck.toString(), "--merge", "--out", merged.toString()).code());

        String fromCheckpoint = greedy("--checkpoint", ck.toString());
        assertEquals(fromCheckpoint, greedy("--model", base.toString(), "--adapter", adapter.toString()));
        assertEquals(fromCheckpoint, greedy("--model", merged.toString()));
        assertTrue(!fromCheckpoint.equals(greedy("--model", base.toString())), "the adapters change the greedy tokens");

        assertEquals(2, ead("sample", "--checkpoint", ck.toString(), "--adapter", adapter.toString(), "--prompt-ids", "1")
                .code(), "--adapter needs --model");
        assertEquals(2, ead("sample", "--model", base.toString(), "--adapter", tmp.resolve("none").toString(),
                "--prompt-ids", "1").code());
    }
}
