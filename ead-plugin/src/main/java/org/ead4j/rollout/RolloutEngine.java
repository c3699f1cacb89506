package org.ead4j.rollout;

import java.util.ArrayList;
import java.util.List;
import org.ead4j.samediff.decode.DecodeResult;
import org.ead4j.samediff.decode.KvCacheDecoder;
import org.ead4j.samediff.sampling.RandomStreams;
import org.ead4j.samediff.sampling.SamplerConfig;
import org.ead4j.samediff.sampling.TokenSampler;
import org.ead4j.samediff.schedule.TemperatureSchedule;

/**
 * Generates groups of responses with the KV-cache decoder and the EAD sampler.
 *
 * <p>Each response (prompt p, sample j) at step s draws its uniforms from the counter-based stream
 * {@code RandomStreams.key(seed, s, p, j)} at counter t (the response position), and its temperature
 * from the schedule's table for step s, so the tokens depend only on (weights, seed, s, p, j):
 * not on batch composition, chunking or resume point. Per token it records tau_t, the behaviour
 * log-prob log pi(y_t; tau_t) (after truncation) and the target log-prob log pi(y_t; 1).
 */
public final class RolloutEngine {

    private final KvCacheDecoder decoder;
    private final TokenSampler sampler;
    private final int maxResponseTokens;
    private final int[] stopTokens;
    private final int maxRowsPerCall;

    /**
     * Creates an engine.
     *
     * @param decoder the policy's decoder (call {@link KvCacheDecoder#syncWeights()} after updates)
     * @param samplerConfig truncation settings
     * @param maxResponseTokens maximum generated tokens per response
     * @param stopTokens token ids that end a response (e.g. EOS)
     * @param maxRowsPerCall the most sequences decoded in one batch
     */
    public RolloutEngine(KvCacheDecoder decoder, SamplerConfig samplerConfig, int maxResponseTokens, int[] stopTokens,
                         int maxRowsPerCall) {
        if (maxResponseTokens < 1) {
            throw new IllegalArgumentException("maxResponseTokens = " + maxResponseTokens + " is invalid: must be >= 1");
        }
        if (maxRowsPerCall < 1) {
            throw new IllegalArgumentException("maxRowsPerCall = " + maxRowsPerCall + " is invalid: must be >= 1");
        }
        this.decoder = decoder;
        this.sampler = new TokenSampler(samplerConfig);
        this.maxResponseTokens = maxResponseTokens;
        this.stopTokens = stopTokens.clone();
        this.maxRowsPerCall = maxRowsPerCall;
    }

    /** @return the maximum response length */
    public int maxResponseTokens() {
        return maxResponseTokens;
    }

    /**
     * Samples {@code samplesPerPrompt} responses for each prompt, the random streams keyed by the
     * prompt indices (right when every prompt occurs once per step, as in evaluation).
     *
     * @param prompts prompt token ids, one per prompt
     * @param promptIndices each prompt's index in its dataset split (recorded in the rollouts; keys the random streams)
     * @param samplesPerPrompt group size n
     * @param schedule temperature schedule
     * @param step global RL step s (drives the schedule's decay and the random streams)
     * @param seed the stream seed (the run seed, or a derived one for evaluation)
     * @return rollouts grouped by prompt: {@code result.get(i)} holds prompt i's n samples in order
     */
    public List<List<Rollout>> generate(int[][] prompts, int[] promptIndices, int samplesPerPrompt,
                                        TemperatureSchedule schedule, long step, long seed) {
        return generate(prompts, promptIndices, promptIndices, samplesPerPrompt, schedule, step, seed);
    }

    /**
     * Samples {@code samplesPerPrompt} responses for each prompt, the random streams keyed by
     * {@code streamKeys}. Training keys by a prompt's slot in the step, not by the prompt: two groups of
     * the same prompt in one step (an epoch boundary, a dynamic-sampling refill) must draw different
     * samples.
     *
     * @param prompts prompt token ids, one per prompt
     * @param promptIndices each prompt's index in its dataset split (recorded in the rollouts)
     * @param streamKeys one key per prompt, distinct within a step (the prompt's slot in the step)
     * @param samplesPerPrompt group size n
     * @param schedule temperature schedule
     * @param step global RL step s (drives the schedule's decay and the random streams)
     * @param seed the stream seed (the run seed, or a derived one for evaluation)
     * @return rollouts grouped by prompt: {@code result.get(i)} holds prompt i's n samples in order
     */
    public List<List<Rollout>> generate(int[][] prompts, int[] promptIndices, int[] streamKeys, int samplesPerPrompt,
                                        TemperatureSchedule schedule, long step, long seed) {
        if (prompts.length != promptIndices.length || prompts.length != streamKeys.length) {
            throw new IllegalArgumentException("prompts (" + prompts.length + "), promptIndices (" + promptIndices.length
                    + ") and streamKeys (" + streamKeys.length + ") differ in length");
        }
        if (samplesPerPrompt < 1) {
            throw new IllegalArgumentException("samplesPerPrompt = " + samplesPerPrompt + " is invalid: must be >= 1");
        }
        float[] tauTable = new float[maxResponseTokens];
        schedule.temperatures(step, tauTable);
        int total = prompts.length * samplesPerPrompt;
        List<Rollout> flat = new ArrayList<>(total);
        for (int start = 0; start < total; start += maxRowsPerCall) {
            int rows = Math.min(maxRowsPerCall, total - start);
            flat.addAll(generateChunk(prompts, promptIndices, streamKeys, samplesPerPrompt, start, rows, tauTable, step, seed));
        }
        List<List<Rollout>> groups = new ArrayList<>(prompts.length);
        for (int p = 0; p < prompts.length; p++) {
            groups.add(List.copyOf(flat.subList(p * samplesPerPrompt, (p + 1) * samplesPerPrompt)));
        }
        return groups;
    }

    private List<Rollout> generateChunk(int[][] prompts, int[] promptIndices, int[] streamKeys, int n, int start, int rows,
                                        float[] tauTable, long step, long seed) {
        int[][] rowPrompts = new int[rows][];
        long[] keys = new long[rows];
        float[][] tau = new float[rows][maxResponseTokens];
        float[][] behaviour = new float[rows][maxResponseTokens];
        float[][] target = new float[rows][maxResponseTokens];
        for (int r = 0; r < rows; r++) {
            int flat = start + r;
            int p = flat / n;
            rowPrompts[r] = prompts[p];
            keys[r] = RandomStreams.key(seed, step, streamKeys[p], flat % n);
        }
        int[] tok = new int[1];
        float[] beh = new float[1];
        float[] tgt = new float[1];
        DecodeResult result = decoder.generate(rowPrompts, maxResponseTokens, stopTokens,
                (row, position, logits, offset, vocab) -> {
                    float t = tauTable[position];
                    int y = sampler.sampleRow(logits, offset, vocab, t, RandomStreams.uniform(keys[row], position),
                            0, tok, beh, tgt);
                    tau[row][position] = t;
                    behaviour[row][position] = beh[0];
                    target[row][position] = tgt[0];
                    return y;
                });
        List<Rollout> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            int flat = start + r;
            int[] response = result.tokens(r).clone();
            int len = response.length;
            out.add(new Rollout(promptIndices[flat / n], flat % n, rowPrompts[r], response,
                    java.util.Arrays.copyOf(tau[r], len), java.util.Arrays.copyOf(behaviour[r], len),
                    java.util.Arrays.copyOf(target[r], len), result.finishReason(r)));
        }
        return out;
    }
}
