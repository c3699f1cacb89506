package org.ead4j.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentProvenanceTest {

    @TempDir
    Path tmp;

    @Test
    void jsonRoundTripIsEqual() throws Exception {
        ExperimentProvenance p = Fixtures.experiment(Fixtures.trainer(), 1234L);
        Path file = tmp.resolve("provenance.json");
        ProvenanceJson.write(p, file);
        ObjectProvenance back = ProvenanceJson.read(file);
        assertEquals(p, back);
        assertEquals(p.hashCode(), back.hashCode());
        ExperimentProvenance e = (ExperimentProvenance) back;
        assertEquals(1234L, e.seed());
        assertEquals(40, e.completedSteps());
        assertEquals(0.625, e.metrics().get("reward/mean"));
        assertEquals(Optional.of(Fixtures.trainer().dataset().contentHash()), e.datasetHash());
        assertEquals(p.startTime(), e.startTime());
        assertEquals("test", e.runInfo().get("run-name"));
        assertEquals(Fixtures.versions(), e.versions());
        // every schedule hyperparameter is in the file
        String json = Files.readString(file);
        for (String key : new String[]{"tauMax", "tauMin", "d0", "alpha", "dMax", "warmup", "positionScale",
                "topK", "topP", "clipRatio", "git-commit", "nd4j-backend", "olcut-version", "dataset-hash"}) {
            assertTrue(json.contains("\"" + key + "\""), key);
        }
    }

    @Test
    void roundTripWithoutOptionalFieldsAndWithNonFiniteMetric() throws Exception {
        ExperimentProvenance p = new ExperimentProvenance(Fixtures.trainer().getProvenance(), -7L, null,
                Fixtures.versions(), GitCommit.UNKNOWN, OffsetDateTime.parse("2025-01-01T00:00:00Z"), null, 0,
                Map.of("loss", Double.NaN), Map.of());
        assertEquals(p, ProvenanceJson.read(write(p)));
        assertTrue(p.endTime().isEmpty());
        assertTrue(p.datasetHash().isEmpty());
    }

    @Test
    void progressUpdatesAreCopies() {
        ExperimentProvenance p = Fixtures.experiment(Fixtures.trainer(), 1);
        ExperimentProvenance q = p.withProgress(41, Map.of("reward/mean", 0.7));
        assertEquals(40, p.completedSteps());
        assertEquals(41, q.completedSteps());
        assertEquals(Map.of("reward/mean", 0.7), q.metrics());
        assertTrue(q.endTime().isPresent());
        assertNotEquals(p, q);
        ExperimentProvenance r = p.withRunInfo("resumed-from-step", "20");
        assertEquals("20", r.runInfo().get("resumed-from-step"));
        assertFalse(p.runInfo().containsKey("resumed-from-step"));
    }

    @Test
    void differentHyperparameterChangesEquality() {
        FakeTrainer a = Fixtures.trainer();
        FakeTrainer b = new FakeTrainer(40, 3e-6, new ExploratoryAnnealing(1.3, 0.2, 30, 4, 500, 8, 1),
                a.sampler(), a.loss(), a.dataset());
        assertNotEquals(Fixtures.experiment(a, 1), Fixtures.experiment(b, 1));
        assertNotEquals(Fixtures.experiment(a, 1), Fixtures.experiment(a, 2));
    }

    @Test
    void replayFromProvenanceRebuildsTheSameComponents() throws Exception {
        FakeTrainer original = Fixtures.trainer();
        Path file = write(Fixtures.experiment(original, 99));
        FakeTrainer replayed = ExperimentConfigs.load(file, FakeTrainer.class);
        assertEquals(original.getProvenance(), replayed.getProvenance());
        // the rebuilt schedule gives bit-identical temperatures
        float[] a = new float[600];
        float[] b = new float[600];
        for (long step : new long[]{0, 7, 300}) {
            original.schedule().temperatures(step, a);
            replayed.schedule().temperatures(step, b);
            for (int t = 0; t < a.length; t++) {
                assertEquals(Float.floatToIntBits(a[t]), Float.floatToIntBits(b[t]), "t=" + t + " step=" + step);
            }
        }
        // extractConfiguration ignores the run facts: only the components become configuration
        assertEquals(5, ProvenanceUtil.extractConfiguration(ProvenanceJson.read(file)).size());
    }

    @Test
    void invalidDatasetHashIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ExperimentProvenance(
                Fixtures.trainer().getProvenance(), 1, "abc", Fixtures.versions(), "unknown", OffsetDateTime.now(),
                null, 0, Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("abc"));
    }

    @Test
    void runtimeVersionsAreDetected() {
        RuntimeVersions v = RuntimeVersions.detect();
        assertTrue(v.nd4jBackend().contains("Backend"), v.nd4jBackend());
        assertEquals("1.0.0-M2.1", v.nd4jVersion());
        assertEquals("1.0.0-M2.1", v.dl4jVersion());
        assertEquals("1.0.0-M2.1", v.nd4jBackendVersion());
        assertEquals("5.3.1", v.olcutVersion());
        assertEquals(System.getProperty("java.version"), v.javaVersion());
        assertEquals(v, RuntimeVersions.fromMap(v.asMap()));
    }

    private Path write(ExperimentProvenance p) throws Exception {
        Path file = tmp.resolve("p-" + System.nanoTime() + ".json");
        ProvenanceJson.write(p, file);
        return file;
    }
}
