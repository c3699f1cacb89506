package org.ead4j.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ead4j.eval.Evaluation;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PositionKind;
import org.ead4j.samediff.schedule.ConstantTemperature;
import org.ead4j.task.ArithmeticTask;
import org.ead4j.task.CountdownTask;

/** Manual smoke run (not a test): prints progress. */
public final class TrainerSmokeMain {
    public static void main(String[] args) throws Exception {
        boolean countdown = args.length > 0 && args[0].equals("countdown");
        PolicyConfig pc = new PolicyConfig(26, Integer.getInteger("d", 64), 4, Integer.getInteger("L", 2), 4 * Integer.getInteger("d", 64), 48, NormKind.LAYER_NORM, PositionKind.LEARNED, false, 1L);
        RlvrTrainer t = new RlvrTrainer(pc, countdown ? new CountdownTask(7, Integer.getInteger("train", 1200), 64, Integer.getInteger("minN", 3), Integer.getInteger("maxN", 3), Integer.getInteger("maxV", 9), Integer.getInteger("maxT", 30)) : new ArithmeticTask(7, Integer.getInteger("train", 2000), 64, 1, Integer.getInteger("digits", 2), System.getProperty("ops", "+-")))
                .withWarmStart(new SupervisedWarmStart(Integer.parseInt(args.length > 1 ? args[1] : "200"), 32, 3e-3))
                .withOptimizer(new org.ead4j.samediff.policy.AdamW(Double.parseDouble(System.getProperty("lr", "1e-3")))).withSteps(Integer.parseInt(args.length > 2 ? args[2] : "20"), 16, 8, countdown ? 24 : 8)
                .withEvaluation(new Evaluation(16, 64, new ConstantTemperature(1.0), List.of(1, 4, 16)), 10, true);
        Path dir = Files.createTempDirectory("smoke");
        Files.delete(dir);
        long t0 = System.nanoTime();
        TrainingSession.Result r = TrainingSession.start(t, dir, new TrainingListener() {
            @Override
            public void onStep(String phase, long step, Map<String, Object> rec) {
                if (phase.equals("rl") || step % 50 == 0) {
                    System.out.printf("%s %d %s%n", phase, step, phase.equals("rl")
                            ? String.format("reward=%.3f acc=%.3f ent=%.3f len=%.1f clip=%s t=%.2fs/%.2fs", rec.get("reward/mean"), rec.get("acc/mean"),
                            rec.get("actor/entropy"), rec.get("response_length/mean"), rec.get("loss/pg_clipfrac"), rec.get("time/rollout_s"), rec.get("time/update_s"))
                            : rec.toString());
                }
            }

            @Override
            public void onEval(long step, Map<String, Object> rec) {
                System.out.printf("eval %d mean=%.3f pass@16=%.3f worst@16=%.3f ent=%.3f%n", step, rec.get("eval/mean"),
                        rec.get("eval/pass@16"), rec.get("eval/worst@16"), rec.get("eval/entropy"));
            }

            @Override
            public void onMessage(String m) {
                System.out.println(m);
            }
        });
        System.out.printf("done in %.1fs: %s%n", (System.nanoTime() - t0) / 1e9, r);
    }
}
