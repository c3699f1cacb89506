package org.ead4j.rollout;

import org.ead4j.samediff.decode.FinishReason;

/**
 * One sampled response and what the sampler recorded for each of its tokens.
 *
 * @param promptIndex index of the prompt in its dataset split (keys the random stream)
 * @param sampleIndex index of this sample within the prompt's group
 * @param prompt prompt token ids (BOS included)
 * @param response generated token ids, the stop token included when one was produced
 * @param tau tau_t used for each response token [len]
 * @param behaviourLogProb log pi(y_t; tau_t) after truncation [len]
 * @param targetLogProb log pi(y_t; 1) from the sampler's logits [len]
 * @param finish why the response ended
 */
public record Rollout(int promptIndex, int sampleIndex, int[] prompt, int[] response, float[] tau,
                      float[] behaviourLogProb, float[] targetLogProb, FinishReason finish) {

    /** @return the number of generated tokens */
    public int length() {
        return response.length;
    }
}
