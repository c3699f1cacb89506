package org.ead4j.rollout;

import java.util.List;
import org.ead4j.data.Problem;
import org.ead4j.tokenizer.Tokenizer;

/**
 * How text meets the policy: a prompt is BOS followed by its tokens; a response is decoded without
 * its final stop token; a supervised target is the reference solution followed by EOS.
 *
 * <p>BOS is left out when the tokenizer has none ({@code bos() < 0}, Qwen) or when the prompt's text
 * already encodes to it first (a chat template that writes {@code <|begin_of_text|>}), as Hugging Face
 * would not double it.
 */
public final class PromptCodec {

    private final Tokenizer tokenizer;

    /**
     * Creates the codec.
     *
     * @param tokenizer the tokenizer
     */
    public PromptCodec(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** @return the tokenizer */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * Encodes a prompt.
     *
     * @param problem the problem
     * @return BOS + prompt tokens (see the class comment for when BOS is left out)
     */
    public int[] prompt(Problem problem) {
        int[] body;
        try {
            body = tokenizer.encode(problem.prompt());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("problem " + problem.id() + ": " + e.getMessage(), e);
        }
        int bos = tokenizer.bos();
        if (bos < 0 || body.length > 0 && body[0] == bos) {
            if (body.length == 0) {
                throw new IllegalArgumentException("problem " + problem.id() + ": the prompt encodes to no tokens");
            }
            return body;
        }
        int[] out = new int[body.length + 1];
        out[0] = bos;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    /**
     * Encodes every prompt.
     *
     * @param problems the problems
     * @return one token array per problem
     */
    public int[][] prompts(List<Problem> problems) {
        int[][] out = new int[problems.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = prompt(problems.get(i));
        }
        return out;
    }

    /**
     * The supervised target for teacher forcing.
     *
     * @param problem a problem with a reference solution
     * @return solution tokens + EOS
     */
    public int[] solution(Problem problem) {
        if (!problem.hasReferenceSolution()) {
            throw new IllegalArgumentException("problem " + problem.id() + " has no reference solution for the warm start");
        }
        int[] body = tokenizer.encode(problem.referenceSolution());
        int[] out = new int[body.length + 1];
        System.arraycopy(body, 0, out, 0, body.length);
        out[body.length] = tokenizer.eos();
        return out;
    }

    /**
     * Decodes a response for the verifier: the text before the first special token (or padding id).
     *
     * @param response generated ids (a final EOS included or not)
     * @return the response text
     */
    public String response(int[] response) {
        int end = 0;
        // ids past the tokenizer's vocabulary are padding rows of a model's embedding (Qwen: 151669..151935);
        // a sampled one ends the text like a special token does
        int known = tokenizer.vocabSize();
        while (end < response.length && response[end] < known && !tokenizer.isSpecial(response[end])) {
            end++;
        }
        return tokenizer.decode(response, 0, end);
    }
}
