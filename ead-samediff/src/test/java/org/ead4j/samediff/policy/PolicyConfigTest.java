package org.ead4j.samediff.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyConfigTest {

    private static PropertyException invalid(Map<String, String> overrides) {
        Map<String, String> p = PolicyConfig.tiny(64).toProperties();
        p.putAll(overrides);
        return assertThrows(PropertyException.class, () -> PolicyConfig.fromProperties(p));
    }

    @Test
    void presets() {
        PolicyConfig tiny = PolicyConfig.tiny(64);
        assertEquals(128, tiny.dModel());
        assertEquals(2, tiny.numLayers());
        assertEquals(4, tiny.numHeads());
        assertEquals(512, tiny.ffnWidth());
        assertEquals(512, tiny.maxSeqLen());
        PolicyConfig small = PolicyConfig.small(512);
        assertEquals(512, small.dModel());
        assertEquals(6, small.numLayers());
        assertEquals(8, small.numHeads());
        assertEquals(2048, small.ffnWidth());
        assertEquals(64, small.headDim());
        // tok_emb + pos_emb + per layer (2 LN x 2D + 4D^2 + 2DF) + final LN + head
        long d = 512;
        long expected = 512 * d + 512 * d + 6 * (4 * d + 4 * d * d + 2 * d * 2048) + 2 * d + d * 512;
        assertEquals(expected, WeightLayout.parameterCount(small));
    }

    @Test
    void invalidValuesNameTheField() {
        assertTrue(invalid(Map.of("numHeads", "3")).getMessage().contains("dModel = 128 is invalid: must be divisible by numHeads = 3"));
        PropertyException odd = invalid(Map.of("dModel", "12", "numHeads", "4", "positions", "ROTARY"));
        assertTrue(odd.getMessage().contains("head dimension 3") && odd.getMessage().contains("even"), odd.getMessage());
        PropertyException dropout = invalid(Map.of("dropout", "0.1"));
        assertTrue(dropout.getMessage().contains("dropout = 0.1 is invalid: only 0 is supported"), dropout.getMessage());
        assertTrue(invalid(Map.of("vocabSize", "0")).getMessage().contains("vocabSize = 0"));
        assertTrue(invalid(Map.of("numLayers", "0")).getMessage().contains("numLayers = 0"));
        assertTrue(invalid(Map.of("maxSeqLen", "-1")).getMessage().contains("maxSeqLen = -1"));
        assertTrue(invalid(Map.of("norm", "BATCH_NORM")).getMessage().contains("LAYER_NORM or RMS_NORM"));
        assertTrue(invalid(Map.of("dModel", "abc")).getMessage().contains("dModel = abc"));
        assertTrue(invalid(Map.of("initStd", "0")).getMessage().contains("initStd"));
    }

    @Test
    void propertiesRoundTripAndDifferences() {
        PolicyConfig a = new PolicyConfig(30, 64, 8, 3, 100, 40, NormKind.RMS_NORM, PositionKind.ROTARY, true, 12);
        PolicyConfig b = PolicyConfig.fromProperties(a.toProperties());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertTrue(a.differences(b).isEmpty());
        assertEquals(java.util.List.of("initSeed: 12 vs 13"), a.differences(a.withInitSeed(13)));
    }

    @Test
    void olcutConfiguresAndRecordsProvenance(@TempDir Path dir) throws Exception {
        Path xml = dir.resolve("policy.xml");
        Files.writeString(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config>\n"
                + "  <component name=\"policy\" type=\"org.ead4j.samediff.policy.PolicyConfig\">\n"
                + "    <property name=\"vocabSize\" value=\"50\"/>\n"
                + "    <property name=\"dModel\" value=\"32\"/>\n"
                + "    <property name=\"numHeads\" value=\"2\"/>\n"
                + "    <property name=\"norm\" value=\"RMS_NORM\"/>\n"
                + "    <property name=\"positions\" value=\"ROTARY\"/>\n"
                + "    <property name=\"initSeed\" value=\"99\"/>\n"
                + "  </component>\n</config>\n");
        ConfigurationManager cm = new ConfigurationManager(xml.toString());
        PolicyConfig c = (PolicyConfig) cm.lookup("policy");
        assertEquals(50, c.vocabSize());
        assertEquals(32, c.dModel());
        assertEquals(NormKind.RMS_NORM, c.norm());
        assertEquals(PositionKind.ROTARY, c.positions());
        assertEquals(99, c.initSeed());
        assertEquals(512, c.ffnWidth());
        ConfiguredObjectProvenance prov = c.getProvenance();
        assertEquals("RMS_NORM", prov.getConfiguredParameters().get("norm").toString());
        assertEquals("99", prov.getConfiguredParameters().get("initSeed").toString());
    }
}
