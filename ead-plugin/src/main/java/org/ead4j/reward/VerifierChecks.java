package org.ead4j.reward;

import com.oracle.labs.mlrg.olcut.config.PropertyException;

/** Range checks shared by the verifiers' {@code postConfig()}; messages name field, value and range. */
final class VerifierChecks {

    private VerifierChecks() {
    }

    static void finiteScore(String component, String field, double value) {
        if (!Double.isFinite(value)) {
            throw new PropertyException(component, field, field + " = " + value + " is invalid: must be a finite number");
        }
    }

    static void atLeast(String component, String field, long value, long min) {
        if (value < min) {
            throw new PropertyException(component, field, field + " = " + value + " is invalid: must be >= " + min);
        }
    }
}
