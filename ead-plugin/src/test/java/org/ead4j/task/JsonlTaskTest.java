package org.ead4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ead4j.data.JsonlDataset;
import org.ead4j.reward.NumericVerifier;
import org.ead4j.reward.RewardResult.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlTaskTest {

    @TempDir
    Path dir;

    @Test
    void loadsSplitsPinsHashesAndReplaysFromProvenance() throws Exception {
        Path train = dir.resolve("train.jsonl");
        Path eval = dir.resolve("eval.jsonl");
        Files.writeString(train, "{\"id\":\"t1\",\"prompt\":\"2+2?\",\"answer\":\"4\"}\n{\"id\":\"t2\",\"prompt\":\"1/2?\",\"answer\":\"0.5\"}\n");
        Files.writeString(eval, "{\"id\":\"e1\",\"prompt\":\"3+3?\",\"answer\":6,\"data_source\":\"gsm8k\"}\n");
        JsonlTask task = new JsonlTask(train, eval, "mini", new NumericVerifier());
        assertEquals(2, task.train().size());
        assertEquals("mini", task.train().get(0).dataSource());
        assertEquals("gsm8k", task.eval().get(0).dataSource());
        assertEquals(JsonlDataset.load(train).sha256(), task.trainSha256());
        assertEquals(Reason.OK, task.verifier().verify(task.train().get(1), "\\boxed{\\frac{1}{2}}").reason());

        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(ProvenanceUtil.extractConfiguration(task.getProvenance()));
        JsonlTask back = cm.lookupAll(JsonlTask.class).get(0);
        assertEquals(task.train(), back.train());

        Files.writeString(train, "{\"id\":\"t1\",\"prompt\":\"2+2?\",\"answer\":\"5\"}\n");
        ConfigurationManager cm2 = new ConfigurationManager();
        cm2.addConfiguration(ProvenanceUtil.extractConfiguration(task.getProvenance()));
        PropertyException e = assertThrows(PropertyException.class, () -> cm2.lookupAll(JsonlTask.class));
        assertTrue(e.getMessage().contains("the file changed since the configuration was recorded"), e.getMessage());
    }

    @Test
    void idsMustBeDisjointAcrossSplits() throws Exception {
        Path train = dir.resolve("a.jsonl");
        Path eval = dir.resolve("b.jsonl");
        Files.writeString(train, "{\"id\":\"x\",\"prompt\":\"p\",\"answer\":\"1\"}\n");
        Files.writeString(eval, "{\"id\":\"x\",\"prompt\":\"q\",\"answer\":\"2\"}\n");
        PropertyException e = assertThrows(PropertyException.class, () -> new JsonlTask(train, eval, "t", new NumericVerifier()));
        assertTrue(e.getMessage().contains("id 'x' is in both"), e.getMessage());
        assertThrows(PropertyException.class, () -> new JsonlTask(null, null, "t", new NumericVerifier()));
    }
}
