package org.ead4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UserMessagesTest {

    @Test
    void libraryMessagesBecomeOneCleanLine() {
        assertEquals("x.json could not be read: Index 0 out of bounds for length 0",
                UserMessages.oneLine("x.json could not be read: java.lang.IndexOutOfBoundsException: Index 0 out of bounds for length 0"));
        assertEquals("Failed to deserialize provenance: no subclass name.",
                UserMessages.oneLine("Failed to deserialize provenance: no subclass name.\n at [Source: REDACTED "
                        + "(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 4] (through "
                        + "reference chain: java.util.ArrayList[0])"));
        assertEquals("Invalid value for option '--out': cannot convert 'a' to a path (Nul character not allowed: a)",
                UserMessages.oneLine("Invalid value for option '--out': cannot convert 'a' to interface java.nio.file.Path "
                        + "(java.nio.file.InvalidPathException: Nul character not allowed: a)"));
        assertEquals("r.jsonl:1: Non-standard token 'NaN' (not allowed in JSON)",
                UserMessages.oneLine("r.jsonl:1: Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow"));
        String longOne = UserMessages.oneLine("y".repeat(5000));
        assertEquals(UserMessages.MAX, longOne.length());
        assertTrue(longOne.endsWith("..."));
        assertEquals("unknown error", UserMessages.oneLine(null));
    }
}
