package org.ead4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.ead4j.cli.UserException;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.WeightLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryBudgetTest {

    @Test
    void parametersAreExactForOrdinaryPoliciesAndBoundedForHugeOnes() {
        PolicyConfig tiny = PolicyConfig.tiny(64);
        assertEquals(WeightLayout.parameterCount(tiny), MemoryBudget.parameters(tiny));
        // two billion layers: refused from the closed form at once, never enumerated layer by layer
        PolicyConfig huge = PolicyConfig.fromProperties(Map.of("vocabSize", "26", "dModel", "16", "numHeads", "2",
                "numLayers", "2000000000", "ffnWidth", "32", "maxSeqLen", "32"));
        double p = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> MemoryBudget.parameters(huge));
        assertTrue(p >= 2e9 * (2 * 16 * 32), "the bound covers at least the MLP weights: " + p);
    }

    @Test
    void refusalNamesFieldValueEstimateAndLimits() {
        UserException e = assertThrows(UserException.class, () ->
                MemoryBudget.require("--n", 7, "the responses", 1e15, false));
        String m = e.getMessage();
        assertTrue(m.startsWith("--n = 7 needs about 909 TiB for the responses"), m);
        assertTrue(m.contains("heap max ") && m.contains("off-heap max "), m);
        MemoryBudget.require("--n", 7, "the responses", 1024, false); // fits
        assertThrows(UserException.class, () -> MemoryBudget.require("x", 1, "y", Double.NaN, true));
    }

    @Test
    void trainingEstimateGrowsWithEverySize() {
        PolicyConfig base = PolicyConfig.fromProperties(Map.of("vocabSize", "64", "dModel", "32", "numHeads", "2",
                "numLayers", "2", "ffnWidth", "64", "maxSeqLen", "64"));
        double b = MemoryBudget.trainBytes(base, 4, 64, false);
        assertTrue(MemoryBudget.trainBytes(base, 8, 64, false) > b);
        assertTrue(MemoryBudget.trainBytes(base, 4, 64, true) > b);
        assertTrue(MemoryBudget.decodeBytes(base, 8, 64) > MemoryBudget.decodeBytes(base, 4, 64));
        assertTrue(b > 5 * 4 * WeightLayout.parameterCount(base));
    }

    @Test
    void filesAreSizeCheckedBeforeReading(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("big");
        try (java.io.RandomAccessFile r = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            r.setLength(10_000);
        }
        UserException e = assertThrows(UserException.class, () -> MemoryBudget.requireFileSize(f, "--rollouts", 5_000));
        assertTrue(e.getMessage().contains("--rollouts") && e.getMessage().contains("more than"), e.getMessage());
        MemoryBudget.requireFileSize(f, "--rollouts", 10_000);
        if (Files.exists(Path.of("/dev/zero"))) {
            UserException dev = assertThrows(UserException.class,
                    () -> MemoryBudget.requireFileSize(Path.of("/dev/zero"), "--rollouts", 5_000));
            assertTrue(dev.getMessage().contains("not a regular file"), dev.getMessage());
        }
    }
}
