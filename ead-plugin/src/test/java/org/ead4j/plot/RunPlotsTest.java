package org.ead4j.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.ead4j.provenance.ExperimentConfigs;
import org.ead4j.provenance.Fixtures;
import org.ead4j.run.RunDirectory;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.ead4j.samediff.schedule.TemperatureSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunPlotsTest {

    @TempDir
    Path tmp;

    /** A small run: 12 steps of metrics, evaluations every 4 steps, and provenance with the schedule. */
    static RunDirectory fakeRun(Path dir) throws Exception {
        RunDirectory run = RunDirectory.create(dir);
        run.writeProvenance(Fixtures.experiment(Fixtures.trainer(), 7));
        for (long s = 0; s < 12; s++) {
            run.steps().append(Map.of("step", s, "reward/mean", 0.1 + 0.05 * s, "actor/entropy", 2.0 - 0.1 * s,
                    "rollout/tau_min", 0.2, "rollout/tau_mean", 0.9 - 0.01 * s, "rollout/tau_max", 1.3));
            if (s % 4 == 0) {
                run.eval().append(Map.of("step", s, "eval/pass@16", 0.5 + 0.02 * s, "eval/worst@16", 0.1 + 0.01 * s));
            }
        }
        run.close();
        return run;
    }

    @Test
    void writesEveryPlot() throws Exception {
        RunDirectory run = fakeRun(tmp.resolve("run"));
        RunPlots.Result r = RunPlots.write(run, PlotOptions.defaults());
        assertEquals(List.of(), r.skipped());
        assertEquals(5, r.written().size());
        for (String name : new String[]{RunPlots.REWARD_PNG, RunPlots.ENTROPY_PNG, RunPlots.TAU_PNG,
                RunPlots.PASS_PNG, RunPlots.SCHEDULE_PNG}) {
            BufferedImage img = ImageIO.read(run.plotsDir().resolve(name).toFile());
            assertEquals(800, img.getWidth(), name);
            assertEquals(500, img.getHeight(), name);
        }
    }

    @Test
    void missingKeysAreSkippedWithTheKeysPresent() throws Exception {
        RunDirectory run = fakeRun(tmp.resolve("run"));
        PlotOptions o = new PlotOptions("score", PlotOptions.DEFAULT_ENTROPY, "tau/", "eval/pass@8",
                "eval/worst@8", List.of(0L, 100L), 0, 64);
        RunPlots.Result r = RunPlots.write(run, o);
        assertEquals(2, r.written().size()); // entropy and schedule
        assertEquals(3, r.skipped().size());
        assertTrue(r.skipped().get(0).startsWith("reward.png: no 'score' values")
                && r.skipped().get(0).contains("reward/mean"), r.skipped().get(0));
        assertTrue(r.skipped().get(2).contains("eval/pass@16"), r.skipped().get(2));
    }

    @Test
    void theScheduleComesFromTheProvenance() throws Exception {
        RunDirectory run = fakeRun(tmp.resolve("run"));
        TemperatureSchedule s = ExperimentConfigs.nestedComponent(run.readProvenance(), TemperatureSchedule.class,
                "schedule").orElseThrow();
        ExploratoryAnnealing expected = (ExploratoryAnnealing) Fixtures.trainer().schedule();
        assertEquals(expected.getProvenance(), s.getProvenance());
        // the chart's series are the schedule's temperatures
        var chart = SchedulePlot.chart(s, List.of(0L, 11L), 0, 100);
        double[] y = chart.getSeriesMap().get("step 11").getYData();
        for (int t = 0; t <= 100; t++) {
            assertEquals((float) expected.temperature(t, 11), (float) y[t], 1e-7, "t=" + t);
        }
    }
}
