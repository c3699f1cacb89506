package org.ead4j.provenance;

import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.MapProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.provenance.primitives.DateTimeProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.DoubleProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.HashProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.LongProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The provenance of one experiment (a training run), modelled on Tribuo's {@code ModelProvenance}:
 * the configured provenance of the root component (the trainer, which nests every other component
 * with every {@code @Config} value), the run seed, the dataset content hash, the software versions,
 * the git commit, start and end time, the number of completed steps and the final metrics.
 *
 * <p>Immutable; {@link #withProgress} returns an updated copy. Its JSON form
 * ({@link ProvenanceJson}) round-trips with {@code equals() == true}, and
 * {@link ExperimentConfigs#fromProvenance} rebuilds the trainer from it
 * ({@code ProvenanceUtil.extractConfiguration} ignores the run facts, which are not configuration).
 *
 * <p>Keys: {@code class-name} (the root component's class), {@code trainer}, {@code seed},
 * {@code dataset-hash} (SHA-256, absent when unknown), {@code git-commit}, the
 * {@link RuntimeVersions} keys ({@code ead4j-version}, {@code nd4j-backend}, ...), {@code start-time},
 * {@code end-time} (absent until the first {@link #withProgress}), {@code completed-steps},
 * {@code metrics} (name to double) and {@code run-info} (free-form strings, e.g. where a run resumed).
 */
public final class ExperimentProvenance implements ObjectProvenance {

    private static final long serialVersionUID = 1L;

    /** Key of the root component's configured provenance. */
    public static final String TRAINER = "trainer";
    /** Key of the run seed. */
    public static final String SEED = "seed";
    /** Key of the dataset's SHA-256 content hash. */
    public static final String DATASET_HASH = "dataset-hash";
    /** Key of the project's git commit ("unknown" when not found). */
    public static final String GIT_COMMIT = "git-commit";
    /** Key of the start time. */
    public static final String START_TIME = "start-time";
    /** Key of the end time (time of the last progress update). */
    public static final String END_TIME = "end-time";
    /** Key of the number of completed RL steps. */
    public static final String COMPLETED_STEPS = "completed-steps";
    /** Key of the final (latest) metrics. */
    public static final String METRICS = "metrics";
    /** Key of free-form run facts. */
    public static final String RUN_INFO = "run-info";

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final String NAME = ExperimentProvenance.class.getSimpleName();

    private final String className;
    private final ConfiguredObjectProvenance trainer;
    private final long seed;
    private final String datasetHash;
    private final String gitCommit;
    private final RuntimeVersions versions;
    private final OffsetDateTime startTime;
    private final OffsetDateTime endTime;
    private final long completedSteps;
    private final Map<String, Double> metrics;
    private final Map<String, String> runInfo;

    /**
     * Creates the provenance with every value given.
     *
     * @param trainer the root component's configured provenance ({@code trainer.getProvenance()})
     * @param seed the run seed
     * @param datasetHash SHA-256 (64 lower-case hex digits) of the dataset's content, or null when unknown
     * @param versions software and platform versions
     * @param gitCommit the project's git commit, or {@link GitCommit#UNKNOWN}
     * @param startTime when the run started
     * @param endTime when the run ended or last reported progress, or null while none was reported
     * @param completedSteps completed RL steps, &gt;= 0
     * @param metrics final metrics (copied)
     * @param runInfo free-form run facts (copied)
     */
    public ExperimentProvenance(ConfiguredObjectProvenance trainer, long seed, String datasetHash,
                                RuntimeVersions versions, String gitCommit, OffsetDateTime startTime,
                                OffsetDateTime endTime, long completedSteps, Map<String, Double> metrics,
                                Map<String, String> runInfo) {
        this.trainer = Objects.requireNonNull(trainer, "trainer");
        this.className = trainer.getClassName();
        this.seed = seed;
        if (datasetHash != null && !SHA256_HEX.matcher(datasetHash).matches()) {
            throw new IllegalArgumentException("dataset hash '" + datasetHash
                    + "' is invalid: must be a SHA-256 of 64 lower-case hex digits (see ContentHash)");
        }
        this.datasetHash = datasetHash;
        this.versions = Objects.requireNonNull(versions, "versions");
        this.gitCommit = Objects.requireNonNull(gitCommit, "gitCommit");
        this.startTime = Objects.requireNonNull(startTime, "startTime");
        this.endTime = endTime;
        if (completedSteps < 0) {
            throw new IllegalArgumentException("completedSteps = " + completedSteps + " is invalid: must be >= 0");
        }
        this.completedSteps = completedSteps;
        this.metrics = Collections.unmodifiableMap(new TreeMap<>(metrics));
        this.runInfo = Collections.unmodifiableMap(new TreeMap<>(runInfo));
    }

    /**
     * Used by the provenance unmarshaller ({@code ProvenanceUtil.unmarshalProvenance}).
     *
     * @param map the provenance map
     */
    public ExperimentProvenance(Map<String, Provenance> map) {
        this.className = ObjectProvenance.checkAndExtractProvenance(map, CLASS_NAME, StringProvenance.class, NAME)
                .getValue();
        this.trainer = ObjectProvenance.checkAndExtractProvenance(map, TRAINER, ConfiguredObjectProvenance.class, NAME);
        this.seed = ObjectProvenance.checkAndExtractProvenance(map, SEED, LongProvenance.class, NAME).getValue();
        this.datasetHash = ObjectProvenance.maybeExtractProvenance(map, DATASET_HASH, HashProvenance.class, NAME)
                .map(HashProvenance::getValue).orElse(null);
        this.gitCommit = ObjectProvenance.checkAndExtractProvenance(map, GIT_COMMIT, StringProvenance.class, NAME)
                .getValue();
        Map<String, String> v = new LinkedHashMap<>();
        for (String key : RuntimeVersions.KEYS) {
            ObjectProvenance.maybeExtractProvenance(map, key, StringProvenance.class, NAME)
                    .ifPresent(p -> v.put(key, p.getValue()));
        }
        this.versions = RuntimeVersions.fromMap(v);
        this.startTime = ObjectProvenance.checkAndExtractProvenance(map, START_TIME, DateTimeProvenance.class, NAME)
                .getValue();
        this.endTime = ObjectProvenance.maybeExtractProvenance(map, END_TIME, DateTimeProvenance.class, NAME)
                .map(DateTimeProvenance::getValue).orElse(null);
        this.completedSteps = ObjectProvenance.checkAndExtractProvenance(map, COMPLETED_STEPS, LongProvenance.class,
                NAME).getValue();
        this.metrics = Collections.unmodifiableMap(new TreeMap<>(unwrapMap(map, METRICS, Double.class)));
        this.runInfo = Collections.unmodifiableMap(new TreeMap<>(unwrapMap(map, RUN_INFO, String.class)));
    }

    /**
     * Starts the provenance of a new run now: detects versions ({@link RuntimeVersions#detect()}) and the
     * git commit of the current directory; no steps, metrics or end time yet.
     *
     * @param root the root component (the trainer)
     * @param seed the run seed
     * @param datasetHash SHA-256 of the dataset's content, or null when unknown
     * @return the provenance
     */
    public static ExperimentProvenance start(Provenancable<? extends ConfiguredObjectProvenance> root, long seed,
                                             String datasetHash) {
        return new ExperimentProvenance(root.getProvenance(), seed, datasetHash, RuntimeVersions.detect(),
                GitCommit.currentOrUnknown(), OffsetDateTime.now(), null, 0, Map.of(), Map.of());
    }

    /**
     * A copy with progress: completed steps, the latest metrics and the end time set to now.
     *
     * @param steps completed RL steps
     * @param latestMetrics metrics after those steps (replace the previous ones)
     * @return the updated copy
     */
    public ExperimentProvenance withProgress(long steps, Map<String, Double> latestMetrics) {
        return withProgress(steps, latestMetrics, OffsetDateTime.now());
    }

    /**
     * A copy with progress at a given time.
     *
     * @param steps completed RL steps
     * @param latestMetrics metrics after those steps (replace the previous ones)
     * @param end the end time to record
     * @return the updated copy
     */
    public ExperimentProvenance withProgress(long steps, Map<String, Double> latestMetrics, OffsetDateTime end) {
        return new ExperimentProvenance(trainer, seed, datasetHash, versions, gitCommit, startTime,
                Objects.requireNonNull(end, "end"), steps, latestMetrics, runInfo);
    }

    /**
     * A copy with one more (or a replaced) run-info entry, e.g. {@code resumed-from-step}.
     *
     * @param key the entry name
     * @param value the entry value
     * @return the updated copy
     */
    public ExperimentProvenance withRunInfo(String key, String value) {
        Map<String, String> info = new TreeMap<>(runInfo);
        info.put(key, value);
        return new ExperimentProvenance(trainer, seed, datasetHash, versions, gitCommit, startTime, endTime,
                completedSteps, metrics, info);
    }

    /** @return the root component's configured provenance */
    public ConfiguredObjectProvenance trainerProvenance() {
        return trainer;
    }

    /** @return the run seed */
    public long seed() {
        return seed;
    }

    /** @return the dataset's SHA-256, if known */
    public Optional<String> datasetHash() {
        return Optional.ofNullable(datasetHash);
    }

    /** @return the git commit or "unknown" */
    public String gitCommit() {
        return gitCommit;
    }

    /** @return software and platform versions */
    public RuntimeVersions versions() {
        return versions;
    }

    /** @return the start time */
    public OffsetDateTime startTime() {
        return startTime;
    }

    /** @return the end time (of the last progress update), if any */
    public Optional<OffsetDateTime> endTime() {
        return Optional.ofNullable(endTime);
    }

    /** @return the number of completed RL steps */
    public long completedSteps() {
        return completedSteps;
    }

    /** @return the latest metrics, sorted by name */
    public Map<String, Double> metrics() {
        return metrics;
    }

    /** @return free-form run facts, sorted by name */
    public Map<String, String> runInfo() {
        return runInfo;
    }

    @Override
    public String getClassName() {
        return className;
    }

    @Override
    public Iterator<Pair<String, Provenance>> iterator() {
        List<Pair<String, Provenance>> list = new ArrayList<>();
        list.add(new Pair<>(CLASS_NAME, new StringProvenance(CLASS_NAME, className)));
        list.add(new Pair<>(TRAINER, trainer));
        list.add(new Pair<>(SEED, new LongProvenance(SEED, seed)));
        if (datasetHash != null) {
            list.add(new Pair<>(DATASET_HASH, new HashProvenance(ProvenanceUtil.HashType.SHA256, DATASET_HASH,
                    datasetHash)));
        }
        list.add(new Pair<>(GIT_COMMIT, new StringProvenance(GIT_COMMIT, gitCommit)));
        for (Map.Entry<String, String> e : versions.asMap().entrySet()) {
            list.add(new Pair<>(e.getKey(), new StringProvenance(e.getKey(), e.getValue())));
        }
        list.add(new Pair<>(START_TIME, new DateTimeProvenance(START_TIME, startTime)));
        if (endTime != null) {
            list.add(new Pair<>(END_TIME, new DateTimeProvenance(END_TIME, endTime)));
        }
        list.add(new Pair<>(COMPLETED_STEPS, new LongProvenance(COMPLETED_STEPS, completedSteps)));
        Map<String, DoubleProvenance> m = new TreeMap<>();
        metrics.forEach((k, v) -> m.put(k, new DoubleProvenance(k, v)));
        list.add(new Pair<>(METRICS, new MapProvenance<>(m)));
        Map<String, StringProvenance> info = new TreeMap<>();
        runInfo.forEach((k, v) -> info.put(k, new StringProvenance(k, v)));
        list.add(new Pair<>(RUN_INFO, new MapProvenance<>(info)));
        return list.iterator();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ExperimentProvenance that)) {
            return false;
        }
        return seed == that.seed && completedSteps == that.completedSteps && className.equals(that.className)
                && trainer.equals(that.trainer) && Objects.equals(datasetHash, that.datasetHash)
                && gitCommit.equals(that.gitCommit) && versions.equals(that.versions)
                && startTime.equals(that.startTime) && Objects.equals(endTime, that.endTime)
                && metrics.equals(that.metrics) && runInfo.equals(that.runInfo);
    }

    @Override
    public int hashCode() {
        return Objects.hash(className, trainer, seed, datasetHash, gitCommit, versions, startTime, endTime,
                completedSteps, metrics, runInfo);
    }

    @Override
    public String toString() {
        return generateString("Experiment");
    }

    /** Unwraps an optional map of primitive provenances (absent = empty). */
    private static <V> Map<String, V> unwrapMap(Map<String, Provenance> map, String key, Class<V> valueType) {
        Map<String, V> out = new TreeMap<>();
        Optional<MapProvenance> mp = ObjectProvenance.maybeExtractProvenance(map, key, MapProvenance.class, NAME);
        if (mp.isPresent()) {
            for (Object o : mp.get().getMap().entrySet()) {
                Map.Entry<?, ?> e = (Map.Entry<?, ?>) o;
                if (!(e.getValue() instanceof com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance<?> p)
                        || !valueType.isInstance(p.getValue())) {
                    throw new com.oracle.labs.mlrg.olcut.provenance.ProvenanceException("Failed to cast "
                            + key + "/" + e.getKey() + " in " + NAME + ": expected a " + valueType.getSimpleName()
                            + ", found " + e.getValue());
                }
                out.put(String.valueOf(e.getKey()), valueType.cast(p.getValue()));
            }
        }
        return out;
    }
}
