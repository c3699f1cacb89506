package org.ead4j.run;

import java.nio.file.Path;

/**
 * A complete, verified checkpoint.
 *
 * @param step the global RL step it was taken after
 * @param dir its folder ({@code checkpoints/step-N/}); payload files are read from here
 */
public record Checkpoint(long step, Path dir) {
}
