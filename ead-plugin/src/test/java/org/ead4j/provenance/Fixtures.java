package org.ead4j.provenance;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.ead4j.samediff.sampling.SamplerConfig;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;

/** Shared test objects: a trainer with non-default values everywhere, and its experiment provenance. */
public final class Fixtures {

    private Fixtures() {
    }

    /** @return a trainer whose nested components all differ from their defaults */
    public static FakeTrainer trainer() {
        return new FakeTrainer(40, 3e-6, new ExploratoryAnnealing(1.3, 0.2, 30, 4, 500, 8, 20),
                new SamplerConfig(50, 0.95, 0.0), new FakeLoss(0.28), new FakeDataset("gsm-mini", 12));
    }

    /** @return fixed versions, so tests need not start ND4J */
    public static RuntimeVersions versions() {
        return new RuntimeVersions("0.1.0-test", "org.nd4j.linalg.cpu.nativecpu.CpuBackend", "1.0.0-M2.1",
                "1.0.0-M2.1", "1.0.0-M2.1", "FLOAT", "5.3.1", "17.0.15", "OpenJDK 64-Bit Server VM 17.0.15",
                "Linux", "amd64");
    }

    /**
     * An experiment with progress, metrics and run info.
     *
     * @param trainer the root component
     * @param seed the seed
     * @return the provenance
     */
    public static ExperimentProvenance experiment(FakeTrainer trainer, long seed) {
        OffsetDateTime start = OffsetDateTime.of(2025, 3, 1, 10, 0, 0, 123_456_000, ZoneOffset.ofHours(1));
        return new ExperimentProvenance(trainer.getProvenance(), seed, trainer.dataset().contentHash(), versions(),
                "0123456789abcdef0123456789abcdef01234567", start, null, 0, Map.of(), Map.of("run-name", "test"))
                .withProgress(40, Map.of("reward/mean", 0.625, "eval/pass@16", 0.875, "loss/total", -0.0123),
                        start.plusMinutes(7));
    }
}
