package org.ead4j.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test hook for fault injection: stops the JVM at a named point of a run, so the reliability suite
 * can prove that a SIGKILL there loses nothing (integration-tests, {@code KillAndResumeIT}). Off, and
 * free, unless the system property {@value #PROPERTY} names a point and a step, e.g.
 * {@code -Dead4j.fault=checkpoint-payload:6}. When the run reaches that point:
 * <ul>
 *   <li>without {@value #MARKER_PROPERTY}: the JVM halts at once (exit 137, no shutdown hooks, as after
 *       {@code kill -9});</li>
 *   <li>with {@value #MARKER_PROPERTY}{@code =FILE}: it writes FILE and blocks until killed, so a test
 *       can send a real SIGKILL at exactly this point;</li>
 *   <li>with {@value #MARKER_PROPERTY}{@code =FILE} and {@value #ACTION_PROPERTY}{@code =wait}: it writes
 *       FILE, waits until the test deletes it (the test may break the disk meanwhile), then goes on.</li>
 * </ul>
 * Points: {@code warm-start} (after a warm-start update), {@code rollout} (responses sampled and scored,
 * no update yet), {@code update} (weights updated, step line not written), {@code step-logged},
 * {@code eval-logged}, {@code checkpoint-payload} (policy files in the temporary folder, no manifest),
 * {@code checkpoint-prune} (an old checkpoint renamed for deletion, not deleted), {@code checkpoint-written}
 * (renamed into place, provenance not updated), {@code resumed} (logs truncated to the checkpoint's step)
 * and {@code finished} (final provenance not written).
 */
public final class FaultPoint {

    /** System property {@code POINT:STEP} naming where to stop. */
    public static final String PROPERTY = "ead4j.fault";
    /** System property: a file written when the point is reached (then the JVM blocks instead of halting). */
    public static final String MARKER_PROPERTY = "ead4j.fault.marker";
    /** System property: {@code wait} to continue once the marker file is deleted. */
    public static final String ACTION_PROPERTY = "ead4j.fault.action";

    private static final String TARGET = System.getProperty(PROPERTY);

    private FaultPoint() {
    }

    /**
     * Marks that the run reached a point; does nothing unless {@value #PROPERTY} names it.
     *
     * @param point the point's name
     * @param step the RL step (or warm-start step) it belongs to
     */
    public static void reached(String point, long step) {
        if (TARGET == null || !TARGET.equals(point + ":" + step)) {
            return;
        }
        String marker = System.getProperty(MARKER_PROPERTY);
        if (marker == null) {
            Runtime.getRuntime().halt(137);
        }
        Path m = Path.of(marker);
        try {
            Files.writeString(m, TARGET + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            Runtime.getRuntime().halt(137);
        }
        boolean wait = "wait".equals(System.getProperty(ACTION_PROPERTY));
        while (!wait || Files.exists(m)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
