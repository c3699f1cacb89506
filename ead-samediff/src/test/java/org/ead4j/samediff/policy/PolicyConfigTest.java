package org.ead4j.samediff.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    private static PropertyException invalidHf(Map<String, String> overrides) {
        Map<String, String> p = qwen3().toProperties();
        p.putAll(overrides);
        return assertThrows(PropertyException.class, () -> PolicyConfig.fromProperties(p));
    }

    private static PolicyConfig qwen3() {
        return PolicyFixtures.hf(Architecture.QWEN3, 64, 32, 4, 2, 48, 64, true, 0, 0.02, "numKvHeads", "2",
                "headDim", "12", "qkNorm", "true");
    }

    @Test
    void huggingFaceFieldsValidateAndRoundTrip() {
        PolicyConfig c = qwen3();
        assertEquals(2, c.numKvHeads());
        assertEquals(12, c.headDim());
        assertEquals(c, PolicyConfig.fromProperties(c.toProperties()));
        assertEquals(java.util.List.of("qkvBias: false vs true"),
                c.differences(PolicyConfig.fromProperties(with(c, "qkvBias", "true"))));
        // defaults: numKvHeads 0 = numHeads, headDim 0 = dModel / numHeads; GPT files keep their old keys only
        PolicyConfig gpt = PolicyConfig.tiny(64);
        assertEquals(4, gpt.numKvHeads());
        assertEquals(32, gpt.headDim());
        assertFalse(gpt.toProperties().containsKey("architecture"));
        assertEquals(Architecture.GPT, gpt.architecture());

        assertTrue(invalidHf(Map.of("numKvHeads", "3")).getMessage().contains("numKvHeads = 3 is invalid: must divide numHeads = 4"));
        assertTrue(invalidHf(Map.of("numKvHeads", "-1")).getMessage().contains("numKvHeads = -1"));
        assertTrue(invalidHf(Map.of("headDim", "-2")).getMessage().contains("headDim = -2"));
        PropertyException odd = invalidHf(Map.of("headDim", "7"));
        assertTrue(odd.getMessage().contains("head dimension 7") && odd.getMessage().contains("even"), odd.getMessage());
        assertTrue(invalidHf(Map.of("norm", "LAYER_NORM")).getMessage().contains("needs norm = RMS_NORM"));
        assertTrue(invalidHf(Map.of("mlp", "GELU")).getMessage().contains("mlp = SWIGLU"));
        assertTrue(invalidHf(Map.of("architecture", "MISTRAL")).getMessage().contains("architecture = MISTRAL"));
        assertTrue(invalidHf(Map.of("mlp", "RELU")).getMessage().contains("mlp = RELU"));
        assertTrue(invalidHf(Map.of("ropeScaling", "YARN")).getMessage().contains("ropeScaling = YARN"));
        Map<String, String> l3 = Map.of("ropeScaling", "LLAMA3");
        assertEquals(RopeScaling.LLAMA3, PolicyConfig.fromProperties(with(qwen3(), "ropeScaling", "LLAMA3")).ropeScaling());
        assertTrue(invalidHf(merge(l3, "ropeScalingFactor", "0.5")).getMessage().contains("ropeScalingFactor = 0.5"));
        assertTrue(invalidHf(merge(l3, "ropeHighFreqFactor", "1")).getMessage().contains("need 0 < low < high"));
        assertTrue(invalidHf(merge(l3, "ropeLowFreqFactor", "0")).getMessage().contains("ropeLowFreqFactor = 0.0"));
        assertTrue(invalidHf(merge(l3, "ropeOriginalMaxPositions", "0")).getMessage().contains("ropeOriginalMaxPositions = 0"));
        assertTrue(invalidHf(Map.of("qkNorm", "yes")).getMessage().contains("qkNorm = yes is invalid: must be true or false"));

        // the GPT keeps its fused layout: Hugging Face features are refused by name
        for (String[] kv : new String[][]{{"mlp", "SWIGLU"}, {"qkvBias", "true"}, {"outBias", "true"}, {"mlpBias", "true"},
                {"qkNorm", "true"}, {"ropeScaling", "LLAMA3"}, {"numKvHeads", "2"}, {"headDim", "16"}}) {
            PropertyException e = invalid(Map.of(kv[0], kv[1]));
            assertTrue(e.getMessage().contains(kv[0] + " = " + kv[1] + " is invalid for architecture = GPT"), e.getMessage());
        }
    }

    private static Map<String, String> with(PolicyConfig c, String k, String v) {
        Map<String, String> p = c.toProperties();
        p.put(k, v);
        return p;
    }

    private static Map<String, String> merge(Map<String, String> a, String k, String v) {
        Map<String, String> p = new java.util.HashMap<>(a);
        p.put(k, v);
        return p;
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
