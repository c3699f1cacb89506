package org.ead4j.provenance;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import java.util.concurrent.atomic.AtomicInteger;

/** Records whether its class was ever initialised or instantiated: proof that a refused file loaded nothing. */
public class Canary implements Configurable {

    /** Counts class initialisations and instances. */
    public static final AtomicInteger EVENTS = new AtomicInteger();

    static {
        System.setProperty("ead4j.test.canary.initialised", "true");
    }

    /** For OLCUT. */
    public Canary() {
        EVENTS.incrementAndGet();
    }
}
