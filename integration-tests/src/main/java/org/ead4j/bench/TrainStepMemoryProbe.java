package org.ead4j.bench;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ead4j.samediff.hf.RandomHfModel;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.Architecture;
import org.ead4j.samediff.policy.GradientResult;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Peak memory of one training step (forward + backward + AdamW) of the qwen2.5-0.5b shape with a given number of
 * layers, in a JVM of its own: {@code main(layers, rows, width, microRows, head, chunkTokens)} with head
 * {@code fused} (the policy's log-prob/entropy outputs) or {@code stock} (the stock-op composition the fused head
 * replaced: log-softmax at tau 1 and tau_t times a one-hot, exp(lsm) * lsm, on the full logits). The loss is
 * {@code -sum(w * temperedLogProbs) - 0.001 sum(w * entropy)} with w = 1/N; micro-batches of {@code microRows}
 * rows (0 = all) accumulate their gradients before the AdamW step.
 *
 * <p>Prints one line {@code EAD-TRAIN-MEMORY <json>}: parameter count, RSS after building the policy, peak RSS of
 * the step (VmHWM after a reset), the Java heap committed and used at the end (AdamW's moments are on the heap; ND4J's
 * CPU buffers are off-heap and counted by neither JavaCPP's nor ND4J's trackers in 1.0.0-M2.1, so off-heap is
 * read as RSS minus the committed heap), seconds.
 */
public final class TrainStepMemoryProbe {

    private TrainStepMemoryProbe() {
    }

    /**
     * Runs the probe.
     *
     * @param args layers, rows, width, microRows, fused|stock, chunkTokens
     */
    public static void main(String[] args) {
        int layers = Integer.parseInt(args[0]);
        int rows = Integer.parseInt(args[1]);
        int width = Integer.parseInt(args[2]);
        int micro = Integer.parseInt(args[3]);
        boolean fused = args[4].equals("fused");
        int chunk = Integer.parseInt(args[5]);
        RandomHfModel.Spec q = RandomHfModel.Spec.qwen25_05b(1);
        RandomHfModel.Spec spec = new RandomHfModel.Spec(Architecture.QWEN2, q.hidden(), layers, q.heads(), q.kvHeads(),
                q.headDim(), q.intermediate(), q.vocab(), q.tie(), 4096, q.ropeTheta(), false, 1);
        PolicyConfig cfg = spec.policyConfig();
        PolicyTransformer policy = PolicyTransformer.withWeights(cfg, RandomHfModel.weights(cfg), chunk);
        SameDiff sd = policy.graph();
        SDVariable w = sd.placeHolder("w", DataType.FLOAT, -1, -1);
        SDVariable lp;
        SDVariable ent;
        if (fused) {
            lp = policy.temperedLogProbs();
            ent = policy.entropy();
        } else {
            int v = cfg.vocabSize();
            SDVariable z = policy.logits().reshape(-1, v);
            SDVariable oneHot = sd.oneHot(sd.getVariable(PolicyTransformer.TARGETS).reshape(-1), v, -1, 1.0, 0.0,
                    DataType.FLOAT);
            SDVariable lsm = sd.nn().logSoftmax(z);
            lp = sd.nn().logSoftmax(z.mul(sd.getVariable(PolicyTransformer.INV_TAU).reshape(-1, 1))).mul(oneHot).sum(1);
            ent = sd.math().exp(lsm).mul(lsm).sum(1).neg();
        }
        SDVariable loss = lp.reshape(-1).mul(w.reshape(-1)).sum().neg()
                .sub(ent.reshape(-1).mul(w.reshape(-1)).sum().mul(0.001)).rename("probeLoss");
        policy.setLoss(loss);
        AdamW adam = new AdamW(1e-6);
        long params = policy.parameterCount();
        System.gc();
        long baseRss = ProcMemory.rss();
        ProcMemory.resetPeak();
        long t0 = System.nanoTime();
        java.util.Random rnd = new java.util.Random(3);
        int[][] tok = new int[rows][width];
        int[][] tgt = new int[rows][width];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < width; j++) {
                tok[i][j] = rnd.nextInt(cfg.vocabSize());
                tgt[i][j] = rnd.nextInt(cfg.vocabSize());
            }
        }
        int step = micro <= 0 ? rows : micro;
        Map<String, INDArray> sum = new LinkedHashMap<>();
        double lossSum = 0;
        for (int from = 0; from < rows; from += step) {
            int to = Math.min(rows, from + step);
            int[][] tk = java.util.Arrays.copyOfRange(tok, from, to);
            int[][] tg = java.util.Arrays.copyOfRange(tgt, from, to);
            Map<String, INDArray> ph = new HashMap<>();
            ph.put(PolicyTransformer.TOKENS, Nd4j.createFromArray(tk));
            ph.put(PolicyTransformer.TARGETS, Nd4j.createFromArray(tg));
            ph.put(PolicyTransformer.INV_TAU, Nd4j.valueArrayOf(new long[]{to - from, width}, 1.0 / 0.8f, DataType.FLOAT));
            ph.put("w", Nd4j.valueArrayOf(new long[]{to - from, width}, 1.0f / (rows * width), DataType.FLOAT));
            GradientResult g = policy.gradients(ph);
            lossSum += g.loss();
            if (step == rows) {
                sum = g.gradients();
            } else {
                for (Map.Entry<String, INDArray> e : g.gradients().entrySet()) {
                    INDArray acc = sum.get(e.getKey());
                    if (acc == null) {
                        sum.put(e.getKey(), e.getValue().dup());
                    } else {
                        acc.addi(e.getValue());
                    }
                    if (e.getValue().closeable()) {
                        e.getValue().close();   // fresh per pass (as PolicyUpdater's micro-batches do)
                    }
                }
            }
        }
        adam.step(policy.parameters(), sum, 1e-6);
        double secs = (System.nanoTime() - t0) / 1e9;
        long peak = ProcMemory.peak();
        Runtime rt = Runtime.getRuntime();
        System.out.printf(java.util.Locale.ROOT, "EAD-TRAIN-MEMORY {\"layers\":%d,\"rows\":%d,\"width\":%d,\"microRows\":%d,"
                        + "\"head\":\"%s\",\"chunkTokens\":%d,\"params\":%d,\"loss\":%.6f,\"baseRssMB\":%d,\"peakRssMB\":%d,"
                        + "\"heapCommittedMB\":%d,\"heapUsedMB\":%d,\"seconds\":%.1f}%n",
                layers, rows, width, micro, fused ? "fused" : "stock", chunk, params, lossSum, baseRss >> 20, peak >> 20,
                rt.totalMemory() >> 20, (rt.totalMemory() - rt.freeMemory()) >> 20, secs);
    }
}
