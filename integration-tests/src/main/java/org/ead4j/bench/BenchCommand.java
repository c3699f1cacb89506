package org.ead4j.bench;

import java.util.concurrent.Callable;
import org.ead4j.cli.EadCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./ead bench}: performance measured side by side. Every benchmark runs ours and the peer
 * (PyTorch through DJL, or the naive path) in the same JVM on the same inputs and prints the ratio.
 */
@Command(name = "ead bench", mixinStandardHelpOptions = true,
        header = "Benchmarks: ours and the peer measured in the same run, with ratios.",
        subcommands = {SampleBenchmark.class, DecodeBenchmark.class, TrainBenchmark.class, CommandLine.HelpCommand.class})
public class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /**
     * Runs the benchmark command line.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(EadCommand.commandLine(new BenchCommand()).execute(args));
    }
}
