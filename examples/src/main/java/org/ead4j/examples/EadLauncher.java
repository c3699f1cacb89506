package org.ead4j.examples;

import org.ead4j.cli.EadCommand;
import org.ead4j.examples.quickstart.QuickstartCommand;
import org.ead4j.examples.study.StudyCommand;
import picocli.CommandLine;

/**
 * Entry point of the runnable CLI jar used by {@code ./ead}: the plugin's {@link EadCommand} plus the
 * commands that live in this module (the quickstart).
 */
public final class EadLauncher {

    private EadLauncher() {
    }

    /**
     * Runs {@code ead} and exits with its code.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        CommandLine cl = EadCommand.commandLine(new EadCommand());
        cl.addSubcommand("quickstart", new QuickstartCommand());
        cl.addSubcommand("study", new StudyCommand());
        System.exit(cl.execute(args));
    }
}
