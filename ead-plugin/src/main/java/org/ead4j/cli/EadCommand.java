package org.ead4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ead} command line: EAD schedules, sampling, training, evaluation, provenance and replay.
 * Subcommands are one class each in this package; the launcher {@code ./ead} adds those that live
 * in other modules (the quickstart, the benchmarks).
 */
@Command(name = "ead", mixinStandardHelpOptions = true, versionProvider = EadVersion.class,
        description = "ead4j: reinforcement learning with verifiable rewards and Exploratory Annealed Decoding "
                + "on DeepLearning4J/SameDiff.",
        subcommands = {ScheduleCommand.class, TrainCommand.class, EvalCommand.class, SampleCommand.class,
                ModelCommand.class, ExportCommand.class, ReplayCommand.class, MetricsCommand.class, PlotCommand.class, DiffCommand.class,
                CommandLine.HelpCommand.class})
public class EadCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /**
     * Builds the command line with ead4j's exit-code conventions: 0 success, 2 for any user error
     * (bad flag, configuration, data or file), 1 for an internal failure.
     *
     * @param top the top-level command object
     * @return the configured command line
     */
    public static CommandLine commandLine(Object top) {
        CommandLine cl = new CommandLine(top);
        cl.setExecutionExceptionHandler(new UserErrorHandler());
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            // picocli starts some messages (argument groups) with its own "Error: "
            err.println("error: " + UserMessages.oneLine(String.valueOf(ex.getMessage()).replaceFirst("^Error: ", "")));
            err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return UserErrorHandler.EXIT_USER_ERROR;
        });
        return cl;
    }

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(commandLine(new EadCommand()).execute(args));
    }
}
