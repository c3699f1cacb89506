package org.ead4j.examples.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ead4j.examples.quickstart.QuickstartExperiment;
import org.ead4j.loss.DapoLoss;
import org.ead4j.loss.PolicyLoss;
import org.ead4j.offpolicy.TruncatedImportanceSampling;
import org.ead4j.provenance.ExperimentConfigs;
import org.ead4j.samediff.ops.loss.ImportanceSamplingLevel;
import org.ead4j.samediff.schedule.ConstantTemperature;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.ead4j.train.RlvrTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The study configuration: the bundled files, validation, and per-run copies of the template. */
class StudyConfigTest {

    @TempDir
    Path tmp;

    /** The checked-in configuration files are the presets (regenerate them with the preset's writeConfig). */
    @Test
    void bundledConfigsAreThePresets() throws IOException {
        for (Map.Entry<String, StudyConfig> e : Map.of("study-small.json", StudyPresets.small(),
                "study-full.json", StudyPresets.full()).entrySet()) {
            Path file = Path.of("configs", e.getKey());
            StudyConfig loaded = ExperimentConfigs.load(file, StudyConfig.class);
            Path a = tmp.resolve("a-" + e.getKey());
            Path b = tmp.resolve("b-" + e.getKey());
            ExperimentConfigs.writeConfig(loaded, a);
            ExperimentConfigs.writeConfig(e.getValue(), b);
            assertEquals(Files.readString(b), Files.readString(a), e.getKey() + " differs from its preset");
        }
        StudyConfig small = StudyPresets.small();
        assertEquals(30, small.methods().size() * small.losses().size() * small.seeds().length);
        assertEquals(List.of("EAD", "EAD+TIS"), small.references());
        assertEquals("DAPO", small.ablationLoss().label());
        assertEquals(3, StudyPresets.full().losses().size());
    }

    @Test
    void runsCopyTheTemplateAndReplaceOnlyTheArm() {
        StudyConfig cfg = StudyPresets.small();
        List<StudyPlan.Run> runs = StudyPlan.runs(cfg, "/warm/policy", "a".repeat(64), true);
        assertEquals(30 + 7 * 3, runs.size());
        StudyPlan.Run first = runs.get(0);
        assertEquals("ead__grpo__s1", first.id());
        assertEquals(1, first.trainer().seed());
        assertEquals(StudyPresets.SMALL_STEPS, first.trainer().steps());
        assertTrue(first.trainer().schedule() instanceof ExploratoryAnnealing);
        StudyPlan.Run tis = runs.stream().filter(r -> r.id().equals("ead-tis__dapo__s2")).findFirst().orElseThrow();
        String prov = tis.trainer().getProvenance().toString();
        assertTrue(prov.contains("TruncatedImportanceSampling") && prov.contains("DapoLoss"), prov);
        assertTrue(prov.contains("/warm/policy"), prov);
        // copies share nothing: changing one run's trainer leaves the template and the others alone
        first.trainer().withSeed(99);
        assertEquals(42, cfg.trainer().seed());
        assertEquals(1, StudyPlan.runs(cfg, "/w", "a".repeat(64), false).get(0).trainer().seed());
        StudyPlan.Run abl = runs.stream().filter(r -> r.kind() == StudyPlan.Kind.ABLATION).findFirst().orElseThrow();
        assertEquals("ablation-revead__dapo__s1", abl.id());
        // the warm start: 0 RL steps, the warm start set, no initial checkpoint
        RlvrTrainer warm = StudyPlan.warmStart(cfg).trainer();
        assertEquals(0, warm.steps());
        assertTrue(warm.getProvenance().toString().contains("SupervisedWarmStart"));
    }

    @Test
    void componentCopiesReplaceComponentsWithoutTouchingTheOriginal() {
        DapoLoss dapo = new DapoLoss();
        PolicyLoss withTis = ComponentCopies.copy(dapo, PolicyLoss.class, Map.of(),
                Map.of("importanceSampling", new TruncatedImportanceSampling(ImportanceSamplingLevel.TOKEN, 2.0)),
                Set.of());
        assertTrue(withTis instanceof DapoLoss);
        assertEquals(2.0, ((DapoLoss) withTis).importanceSampling().cap(), 0);
        assertEquals(0.28, ((DapoLoss) withTis).clipRatioHigh(), 0);
        assertNull(dapo.importanceSampling());
        // and removing it again gives the plain loss
        PolicyLoss plain = ComponentCopies.copy(withTis, PolicyLoss.class, Map.of(), Map.of(), Set.of("importanceSampling"));
        assertNull(((DapoLoss) plain).importanceSampling());
        assertThrows(IllegalArgumentException.class, () -> ComponentCopies.copy(dapo, PolicyLoss.class,
                Map.of("noSuchField", "1"), Map.of(), Set.of()));
    }

    @Test
    void validationNamesTheFieldAndValue() {
        StudyConfig ok = StudyPresets.small();
        List<StudyArm> dup = List.of(new StudyArm("EAD", QuickstartExperiment.eadSchedule(), null),
                new StudyArm("EAD", new ConstantTemperature(1.0), null));
        PropertyException e = assertThrows(PropertyException.class, () -> new StudyConfig("x", "", ok.trainer(),
                ok.warmStart(), dup, ok.losses(), new long[]{1, 2, 3}));
        assertTrue(e.getMessage().contains("'EAD' is used twice"), e.getMessage());
        PropertyException slug = assertThrows(PropertyException.class, () -> new StudyConfig("x", "", ok.trainer(),
                ok.warmStart(), List.of(new StudyArm("tau=1.0", new ConstantTemperature(1.0), null),
                        new StudyArm("tau 1.0", new ConstantTemperature(1.0), null)), ok.losses(), new long[]{1, 2}));
        assertTrue(slug.getMessage().contains("same run id"), slug.getMessage());
        PropertyException seeds = assertThrows(PropertyException.class, () -> new StudyConfig("x", "", ok.trainer(),
                ok.warmStart(), ok.methods(), ok.losses(), new long[]{1}));
        assertTrue(seeds.getMessage().contains("at least 2 seeds"), seeds.getMessage());
        PropertyException ref = assertThrows(PropertyException.class,
                () -> StudyPresets.small().withReferences(List.of("EAD-2")));
        assertTrue(ref.getMessage().contains("'EAD-2' is not a method label"), ref.getMessage());
        PropertyException abl = assertThrows(PropertyException.class,
                () -> StudyPresets.small().withAblations(List.of(), "KL-Cov"));
        assertTrue(abl.getMessage().contains("ablationLoss = 'KL-Cov'"), abl.getMessage());
        PropertyException ks = assertThrows(PropertyException.class, () -> StudyPresets.small()
                .withInference(List.of(), List.of("EAD"), List.of(1, 32), 16));
        assertTrue(ks.getMessage().contains("N = 32"), ks.getMessage());
    }
}
