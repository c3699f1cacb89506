package org.ead4j.cli;

import java.io.IOException;
import org.ead4j.plot.PlotOptions;
import org.ead4j.plot.RunPlots;
import org.ead4j.run.RunDirectory;
import org.ead4j.train.TrainingSession;

/** What the CLI prints after a run: where things are, the weights hash, and the plots. */
final class RunReport {

    private RunReport() {
    }

    static void print(ProgressPrinter progress, TrainingSession.Result r, boolean plots) throws IOException {
        progress.onMessage("run directory: " + r.runDir().toAbsolutePath());
        progress.onMessage("completed steps: " + r.completedSteps() + "; final weights sha256 " + r.weightsSha256());
        if (plots) {
            RunPlots.Result p = RunPlots.write(RunDirectory.open(r.runDir()), PlotOptions.defaults());
            progress.onMessage("plots: " + p.written().size() + " written to "
                    + r.runDir().resolve(RunDirectory.PLOTS).toAbsolutePath());
        }
    }
}
