package org.ead4j.samediff.schedule;

import com.oracle.labs.mlrg.olcut.config.PropertyException;

/** Range checks shared by the schedules' {@code postConfig()}; messages name field, value and range. */
final class ScheduleChecks {

    private ScheduleChecks() {
    }

    static void finite(String component, String field, double value) {
        if (!Double.isFinite(value)) {
            throw new PropertyException(component, field, field + " = " + value + " is not a finite number");
        }
    }

    static void positive(String component, String field, double value) {
        finite(component, field, value);
        if (value <= 0) {
            throw new PropertyException(component, field, field + " = " + value + " is invalid: must be > 0");
        }
    }

    static void nonNegative(String component, String field, double value) {
        finite(component, field, value);
        if (value < 0) {
            throw new PropertyException(component, field, field + " = " + value + " is invalid: must be >= 0");
        }
    }

    static void atMost(String component, String field, double value, String boundName, double bound) {
        if (value > bound) {
            throw new PropertyException(component, field, field + " = " + value + " is invalid: must be <= "
                    + boundName + " (" + bound + ")");
        }
    }

    static void atLeast(String component, String field, double value, String boundName, double bound) {
        if (value < bound) {
            throw new PropertyException(component, field, field + " = " + value + " is invalid: must be >= "
                    + boundName + " (" + bound + ")");
        }
    }
}
