package org.ead4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.ead4j.provenance.FakeTrainer;
import org.ead4j.provenance.Fixtures;
import org.ead4j.run.RunDirectory;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ead plot} and {@code ead diff} through the real command line (exit codes and output). */
class RunCommandsTest {

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run ead(String... args) {
        CommandLine cl = EadCommand.commandLine(new EadCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void diffPrintsConfigurationSeedAndVersionDifferences() throws Exception {
        FakeTrainer a = Fixtures.trainer();
        FakeTrainer b = new FakeTrainer(40, 3e-6, new ExploratoryAnnealing(1.3, 0.2, 30, 4, 500, 8, 1),
                a.sampler(), a.loss(), a.dataset());
        RunDirectory ra = RunDirectory.create(tmp.resolve("a"));
        ra.writeProvenance(Fixtures.experiment(a, 1));
        RunDirectory rb = RunDirectory.create(tmp.resolve("b"));
        rb.writeProvenance(Fixtures.experiment(b, 2));
        Run r = ead("diff", tmp.resolve("a").toString(), rb.provenanceFile().toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("configuration: 1 difference\n  trainer.schedule.positionScale: 20.0 vs 1.0"),
                r.out());
        assertTrue(r.out().contains("run: 1 difference\n  seed: 1 vs 2"), r.out());
        assertTrue(!r.out().contains("outcome"), r.out());
        Run same = ead("diff", "--all", tmp.resolve("a").toString(), tmp.resolve("a").toString());
        assertEquals(0, same.code());
        assertTrue(same.out().contains("configuration: identical") && same.out().contains("outcome: identical"),
                same.out());
    }

    @Test
    void diffReportsAMissingRunAsAUserError() throws Exception {
        RunDirectory.create(tmp.resolve("empty"));
        Run r = ead("diff", tmp.resolve("empty").toString(), tmp.resolve("nope").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("has no provenance.json"), r.err());
        Run r2 = ead("diff", tmp.resolve("nope").toString(), tmp.resolve("empty").toString());
        assertEquals(2, r2.code());
        assertTrue(r2.err().contains("no such run folder or provenance file: " + tmp.resolve("nope")), r2.err());
    }

    @Test
    void plotRegeneratesThePlots() throws Exception {
        RunDirectory run = RunDirectory.create(tmp.resolve("r"));
        run.writeProvenance(Fixtures.experiment(Fixtures.trainer(), 3));
        for (long s = 0; s < 5; s++) {
            run.steps().append(Map.of("step", s, "reward/mean", s * 0.1, "actor/entropy", 1.0));
        }
        run.close();
        Run r = ead("plot", tmp.resolve("r").toString(), "--schedule-steps", "0,4", "--positions", "0..64");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote " + run.plotsDir().resolve("reward.png")), r.out());
        assertTrue(r.out().contains("skipped pass_at_k.png"), r.out());
        assertTrue(Files.size(run.plotsDir().resolve("schedule.png")) > 1000);
        Run missing = ead("plot", tmp.resolve("none").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such run folder"), missing.err());
    }
}
