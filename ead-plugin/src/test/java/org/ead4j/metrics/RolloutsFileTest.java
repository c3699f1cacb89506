package org.ead4j.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ead4j.data.JsonlFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RolloutsFileTest {

    @TempDir
    Path dir;

    @Test
    void groupsLinesByPromptInFileOrder() throws Exception {
        Path f = dir.resolve("r.jsonl");
        Files.writeString(f, String.join("\n",
                "{\"prompt_id\": \"a\", \"reward\": 1.1, \"answer\": \"20\", \"data_source\": \"countdown\"}",
                "{\"prompt_id\": 7, \"correct\": true}",
                "{\"prompt_id\": \"a\", \"reward\": 0.1, \"correct\": false, \"answer\": null, \"data_source\": \"countdown\"}",
                "{\"prompt_id\": 7, \"correct\": 0, \"answer\": 3}"));
        RolloutsFile r = RolloutsFile.read(f, 0.5, 1 << 20);
        List<PromptSamples> ps = r.prompts();
        assertEquals(2, ps.size());
        PromptSamples a = ps.get(0);
        assertEquals("a", a.promptId());
        assertEquals("countdown", a.dataSource());
        assertArrayEquals(new double[]{1.1, 0.1}, a.rewards());
        assertArrayEquals(new boolean[]{true, false}, a.correct());
        assertArrayEquals(new String[]{"20", null}, a.answers());
        PromptSamples b = ps.get(1);
        assertEquals("7", b.promptId());
        assertEquals(RolloutsFile.UNKNOWN_SOURCE, b.dataSource());
        assertArrayEquals(new double[]{1, 0}, b.rewards());
        assertArrayEquals(new String[]{null, "3"}, b.answers());
        assertEquals(64, r.sha256().length());
    }

    @Test
    void errorsNameTheLine() throws Exception {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, "{\"prompt_id\": \"a\", \"reward\": 1}\n{\"prompt_id\": \"a\"}\n");
        JsonlFormatException e = assertThrows(JsonlFormatException.class, () -> RolloutsFile.read(f, 0.5, 1 << 20));
        assertTrue(e.getMessage().endsWith("bad.jsonl:2: needs 'reward' (a number) or 'correct' (true/false): neither is present"),
                e.getMessage());
        Files.writeString(f, "{\"prompt_id\": \"a\", \"reward\": 1, \"data_source\": \"x\"}\n{\"prompt_id\": \"a\", \"reward\": 1, \"data_source\": \"y\"}\n");
        e = assertThrows(JsonlFormatException.class, () -> RolloutsFile.read(f, 0.5, 1 << 20));
        assertTrue(e.getMessage().contains(":2: prompt_id 'a' has data_source 'y' but 'x' on line 1"), e.getMessage());
        Files.writeString(f, "{\"prompt_id\": \"a\", \"reward\": \"high\"}\n");
        e = assertThrows(JsonlFormatException.class, () -> RolloutsFile.read(f, 0.5, 1 << 20));
        assertTrue(e.getMessage().contains(":1: field 'reward' must be a number, got a string \"high\""), e.getMessage());
        Files.writeString(f, "{\"prompt_id\": \"a\", \"correct\": 2}\n");
        e = assertThrows(JsonlFormatException.class, () -> RolloutsFile.read(f, 0.5, 1 << 20));
        assertTrue(e.getMessage().contains("field 'correct' must be true/false (or 1/0), got a number 2"), e.getMessage());
        assertNull(null);
    }
}
