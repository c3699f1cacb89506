package org.ead4j.reward;

import java.util.List;

/** Argument checks for batch verification. */
final class BatchChecks {

    private BatchChecks() {
    }

    static void sameSize(List<?> problems, List<?> responses) {
        if (problems.size() != responses.size()) {
            throw new IllegalArgumentException("verifyAll needs one problem per response: got " + problems.size()
                    + " problems and " + responses.size() + " responses");
        }
    }
}
