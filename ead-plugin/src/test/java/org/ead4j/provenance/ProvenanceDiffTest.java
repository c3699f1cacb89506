package org.ead4j.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.ead4j.samediff.sampling.SamplerConfig;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.junit.jupiter.api.Test;

class ProvenanceDiffTest {

    @Test
    void flattensNestedComponentsListsAndMaps() {
        Map<String, String> flat = ProvenanceDiff.flatten(Fixtures.experiment(Fixtures.trainer(), 5));
        assertEquals("1.3", flat.get("trainer.schedule.tauMax"));
        assertEquals("20.0", flat.get("trainer.schedule.positionScale"));
        assertEquals("org.ead4j.samediff.schedule.ExploratoryAnnealing", flat.get("trainer.schedule.class-name"));
        assertEquals("16", flat.get("trainer.evalK[1]"));
        assertEquals("5", flat.get("seed"));
        assertEquals("0.625", flat.get("metrics.reward/mean"));
        assertFalse(flat.keySet().stream().anyMatch(k -> k.endsWith("host-short-name")));
    }

    @Test
    void listsExactlyTheChangedValues() {
        FakeTrainer a = Fixtures.trainer();
        FakeTrainer b = new FakeTrainer(40, 3e-6, new ExploratoryAnnealing(1.2, 0.2, 30, 4, 500, 8, 20),
                new SamplerConfig(0, 0.95, 0.0), a.loss(), a.dataset());
        ExperimentProvenance pa = Fixtures.experiment(a, 1);
        ExperimentProvenance pb = Fixtures.experiment(b, 2).withProgress(40, Map.of("reward/mean", 0.5),
                pa.endTime().orElseThrow());
        List<ProvenanceDiff.Difference> d = ProvenanceDiff.diff(pa, pb, false);
        assertEquals(List.of(
                new ProvenanceDiff.Difference(ProvenanceDiff.Section.CONFIGURATION, "trainer.schedule.tauMax", "1.3", "1.2"),
                new ProvenanceDiff.Difference(ProvenanceDiff.Section.CONFIGURATION, "trainer.sampler.topK", "50", "0"),
                new ProvenanceDiff.Difference(ProvenanceDiff.Section.RUN, "seed", "1", "2")), sorted(d));
        List<ProvenanceDiff.Difference> all = ProvenanceDiff.diff(pa, pb, true);
        assertTrue(all.contains(new ProvenanceDiff.Difference(ProvenanceDiff.Section.OUTCOME,
                "metrics.eval/pass@16", "0.875", null)), all.toString());
        assertTrue(ProvenanceDiff.diff(pa, pa, true).isEmpty());
    }

    private static List<ProvenanceDiff.Difference> sorted(List<ProvenanceDiff.Difference> d) {
        // configuration order follows the provenance's field order; compare as a set with a fixed order
        return d.stream().sorted((x, y) -> x.section() != y.section() ? x.section().compareTo(y.section())
                : y.path().compareTo(x.path())).toList();
    }
}
