package org.ead4j.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ead4j.cli.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassAllowlistTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void refusesAConfigNamingProcessBuilder() throws Exception {
        Path f = write("evil.json", """
                {"config": {"components": [
                  {"name": "trainer", "type": "java.lang.ProcessBuilder", "properties": {"command": "rm"}}]}}""");
        UserException e = assertThrows(UserException.class, () -> ExperimentConfigs.load(f, FakeTrainer.class));
        assertTrue(e.getMessage().contains("java.lang.ProcessBuilder"), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("config.components[0].type"), e.getMessage());
    }

    @Test
    void refusesAnXmlConfigNamingScriptEngineManagerWithItsLine() throws Exception {
        Path f = write("evil.xml", """
                <?xml version="1.0"?>
                <config>
                  <component name="trainer" type="org.ead4j.provenance.FakeTrainer">
                    <property name="steps" value="3"/>
                  </component>
                  <component name="x" type="javax.script.ScriptEngineManager"/>
                </config>
                """);
        UserException e = assertThrows(UserException.class, () -> ExperimentConfigs.load(f, FakeTrainer.class));
        assertTrue(e.getMessage().contains("javax.script.ScriptEngineManager"), e.getMessage());
        assertTrue(e.getMessage().contains("line 6"), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void refusesAListTypeEntryOutsideTheList() throws Exception {
        Path f = write("list.json", """
                {"config": {"components": [
                  {"name": "t", "type": "org.ead4j.provenance.FakeTrainer",
                   "properties": {"steps": 2, "evalK": [{"type": "javax.script.ScriptEngineManager"}]}}]}}""");
        UserException e = assertThrows(UserException.class, () -> ExperimentConfigs.load(f, FakeTrainer.class));
        assertTrue(e.getMessage().contains("javax.script.ScriptEngineManager"), e.getMessage());
    }

    @Test
    void refusedFileLoadsNoClassAtAll() throws Exception {
        Path f = write("canary.json", """
                {"config": {"components": [{"name": "c", "type": "org.ead4j.provenance.Canary"}]}}""");
        // a narrower allowlist without the test package: the file is refused before the class is touched
        ClassAllowlist narrow = ClassAllowlist.of(List.of("org.ead4j.samediff."), ClassAllowlist.DEFAULT_PROVENANCE_PACKAGES);
        assertThrows(UserException.class, () -> ExperimentConfigs.load(f, Canary.class, narrow));
        assertNull(System.getProperty("ead4j.test.canary.initialised"));
        assertEquals(0, Canary.EVENTS.get());
        // positive control: allowed, the same file does instantiate it
        ExperimentConfigs.load(f, Canary.class);
        assertEquals("true", System.getProperty("ead4j.test.canary.initialised"));
        assertEquals(1, Canary.EVENTS.get());
    }

    @Test
    void refusesTamperedProvenance() throws Exception {
        Path good = tmp.resolve("good.json");
        ProvenanceJson.write(Fixtures.experiment(Fixtures.trainer(), 5), good);
        String[][] attacks = {
            {"provenance-class", "javax.script.ScriptEngineManager"},
            {"object-class-name", "java.lang.ProcessBuilder"},
            {"class-name", "java.lang.ProcessBuilder"},
            {"marshalled-class", "java.lang.Runtime"},
        };
        for (String[] attack : attacks) {
            JsonNode tree = JSON.readTree(good.toFile());
            ObjectNode schedule = scheduleObject(tree);
            switch (attack[0]) {
                case "class-name" -> ((ObjectNode) schedule.get("map").get("class-name")).put("value", attack[1]);
                case "marshalled-class" -> ((ObjectNode) schedule.get("map").get("tauMax")).put(attack[0], attack[1]);
                default -> schedule.put(attack[0], attack[1]);
            }
            Path bad = tmp.resolve("bad-" + attack[0] + ".json");
            JSON.writeValue(bad.toFile(), tree);
            UserException e = assertThrows(UserException.class, () -> ProvenanceJson.read(bad), attack[0]);
            assertTrue(e.getMessage().contains(attack[1]) && e.getMessage().contains(bad.toString()), e.getMessage());
            assertThrows(UserException.class, () -> ExperimentConfigs.load(bad, FakeTrainer.class), attack[0]);
        }
        // the untouched file passes
        assertEquals(Fixtures.experiment(Fixtures.trainer(), 5), ProvenanceJson.read(good));
    }

    @Test
    void refusesEnumClassOutsideTheList() throws Exception {
        Path good = tmp.resolve("good.json");
        ProvenanceJson.write(Fixtures.experiment(Fixtures.trainer(), 5), good);
        JsonNode tree = JSON.readTree(good.toFile());
        ObjectNode agg = null;
        for (JsonNode o : tree) {
            if (o.path("map").has("aggregation")) {
                agg = (ObjectNode) o.get("map").get("aggregation");
            }
        }
        assertEquals("com.oracle.labs.mlrg.olcut.provenance.primitives.EnumProvenance",
                agg.get("provenance-class").asText());
        agg.put("additional", "java.util.concurrent.TimeUnit");
        Path bad = tmp.resolve("enum.json");
        JSON.writeValue(bad.toFile(), tree);
        UserException e = assertThrows(UserException.class, () -> ProvenanceJson.read(bad));
        assertTrue(e.getMessage().contains("java.util.concurrent.TimeUnit"), e.getMessage());
    }

    @Test
    void refusesSerializedObjectsImportsAndDoctype() throws Exception {
        Path ser = write("ser.json", """
                {"config": {"serialized-objects": [{"name": "s", "type": "org.ead4j.X", "location": "/tmp/x.ser"}],
                            "components": [{"name": "t", "type": "org.ead4j.provenance.FakeTrainer"}]}}""");
        assertTrue(assertThrows(UserException.class, () -> ExperimentConfigs.load(ser, FakeTrainer.class))
                .getMessage().contains("deserialization"));
        Path imp = write("imp.json", """
                {"config": {"config-files": [{"name": "o", "value": "other.json"}],
                            "components": [{"name": "t", "type": "org.ead4j.provenance.FakeTrainer"}]}}""");
        assertTrue(assertThrows(UserException.class, () -> ExperimentConfigs.load(imp, FakeTrainer.class))
                .getMessage().contains("config-files"));
        Path xmlImport = write("imp.xml", "<config>\n<file name=\"o\" value=\"other.xml\"/>\n</config>\n");
        assertTrue(assertThrows(UserException.class, () -> ExperimentConfigs.load(xmlImport, FakeTrainer.class))
                .getMessage().contains("<file>"));
        Path secret = write("secret.txt", "s3cret");
        Path xxe = write("xxe.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE config [<!ENTITY x SYSTEM \"file://"
                + secret + "\">]>\n<config><component name=\"t\" type=\"org.ead4j.provenance.FakeTrainer\">"
                + "<property name=\"steps\" value=\"&x;\"/></component></config>\n");
        UserException e = assertThrows(UserException.class, () -> ExperimentConfigs.load(xxe, FakeTrainer.class));
        assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"));
    }

    @Test
    void classNamesMustBePlainAndPackagesValid() {
        ClassAllowlist a = ClassAllowlist.defaults();
        assertTrue(a.allowsComponent("org.ead4j.provenance.FakeTrainer"));
        assertTrue(a.allowsComponent("org.ead4j.provenance.FakeTrainer$Aggregation"));
        assertFalse(a.allowsComponent("org.ead4jevil.Thing"));
        assertFalse(a.allowsComponent("org.ead4j.${cls}"));
        assertFalse(a.allowsComponent(" org.ead4j.X"));
        assertFalse(a.allowsComponent("[Lorg.ead4j.X;"));
        assertFalse(a.allowsComponent("com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance"));
        assertTrue(a.allowsProvenance("com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance"));
        assertTrue(a.allowsProvenance("org.tribuo.provenance.ModelProvenance"));
        assertFalse(a.allowsProvenance("org.tribuo.Model"));
        assertTrue(a.withComponentPackages("com.example.rl.").allowsComponent("com.example.rl.MyLoss"));
        assertThrows(IllegalArgumentException.class, () -> a.withComponentPackages("java.lang."));
        assertThrows(IllegalArgumentException.class, () -> a.withComponentPackages("com.example"));
    }

    private static ObjectNode scheduleObject(JsonNode tree) {
        for (JsonNode o : tree) {
            if (o.path("object-class-name").asText().endsWith("ExploratoryAnnealing")) {
                return (ObjectNode) o;
            }
        }
        throw new AssertionError("no schedule in the provenance");
    }

    private Path write(String name, String content) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, content);
        return f;
    }
}
