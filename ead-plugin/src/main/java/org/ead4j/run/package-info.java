/**
 * Run directories ({@code runs/NAME/}): the provenance, the step and eval logs (JSON lines),
 * atomic checksummed checkpoints that survive a crash at any point, and the plots folder.
 *
 * <p>How a trainer uses them (step N's checkpoint holds the state after step N):
 * <pre>{@code
 * // a new run
 * RunDirectory run = RunDirectory.create(Path.of("runs", name));
 * ExperimentProvenance prov = ExperimentProvenance.start(trainer, seed, dataset.contentHash());
 * run.writeProvenance(prov);
 * CheckpointStore checkpoints = run.checkpoints(keepCheckpoints);          // a @Config of the trainer, default 3
 * for (long step = first; step < steps; step++) {
 *     ...
 *     run.steps().append(record);                                           // {"step": step, "reward/mean": ..., ...}
 *     if (evalDue) run.eval().append(evalRecord);                          // {"step": step, "eval/pass@16": ...}
 *     if (checkpointDue) {
 *         checkpoints.write(step, dir -> { ... write weights, optimiser and trainer state (RNG, step) into dir ... });
 *         run.writeProvenance(prov = prov.withProgress(step + 1, latestMetrics));
 *     }
 * }
 * run.writeProvenance(prov.withProgress(steps, finalMetrics));
 *
 * // --resume
 * RunDirectory run = RunDirectory.open(dir);
 * ExperimentProvenance prov = run.readProvenance();
 * MyTrainer trainer = ExperimentConfigs.fromProvenance(prov, MyTrainer.class);
 * Optional<Checkpoint> c = run.checkpoints(keep).newestValidCheckpoint(); // skips corrupted ones, with a warning
 * run.truncateLogsAfter(c.map(Checkpoint::step).orElse(-1L));             // no duplicated log lines
 * // load state from c.get().dir() and continue at c.get().step() + 1 (or from scratch)
 * }</pre>
 */
package org.ead4j.run;
