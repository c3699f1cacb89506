package org.ead4j.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.json.JsonProvenanceSerialization;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.provenance.io.ObjectMarshalledProvenance;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An experiment's provenance read with the tools a Tribuo user reads a {@code ModelProvenance} with:
 * OLCUT's {@code ProvenanceUtil} (formatting, marshalling, configuration extraction) and its JSON
 * serialisation, with no ead4j code in between.
 */
class OlcutToolsTest {

    @Test
    void tribuosProvenanceToolsReadAnExperimentsProvenance() throws Exception {
        ExperimentProvenance p = Fixtures.experiment(Fixtures.trainer(), 7)
                .withProgress(12, Map.of("reward/mean", 0.5));

        // formatting, as Tribuo prints a model's provenance
        String text = ProvenanceUtil.formattedProvenanceString(p);
        assertTrue(text.startsWith("FakeTrainer("), text); // named by the root component, like a ModelProvenance by its model
        for (String s : new String[]{"trainer = FakeTrainer(", "seed = 7", "tauMax", "olcut-version",
                "completed-steps = 12", "reward/mean"}) {
            assertTrue(text.contains(s), s + " missing from:\n" + text);
        }

        // marshalling to OLCUT's flat form and back, as Tribuo stores provenance in ONNX and protobuf files
        List<ObjectMarshalledProvenance> marshalled = ProvenanceUtil.marshalProvenance(p);
        assertEquals(p, ProvenanceUtil.unmarshalProvenance(marshalled));

        // OLCUT's JSON, as Tribuo's JSON provenance export writes it
        JsonProvenanceSerialization json = new JsonProvenanceSerialization(true);
        String serialised = json.marshalAndSerialize(p);
        assertEquals(p, json.deserializeAndUnmarshal(serialised));

        // and the configuration to rebuild the run, as Tribuo rebuilds a trainer from a model's provenance
        assertEquals(5, ProvenanceUtil.extractConfiguration(p).size());
    }
}
