package org.ead4j.samediff.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Folds low-rank adapters into plain weights: for each targeted projection, {@code W' = W + scale * (B A)^T} in
 * ead4j's {@code [in, out]} layout (PEFT's merge, {@code W + scale * B A} in its {@code [out, in]} layout). The
 * result has exactly the names and shapes of {@link WeightLayout#shapes(PolicyConfig)}, so the KV-cache decoder,
 * the Hugging Face exporter and checkpoints of full models read it like any policy's weights.
 */
public final class LoraMerge {

    private LoraMerge() {
    }

    /**
     * The merged weights of a policy, as fresh arrays for the targeted projections and the live arrays for every
     * other parameter (for a policy without adapters: its parameters as they are).
     *
     * @param policy the policy
     * @return name to array, in {@link WeightLayout} order
     */
    public static Map<String, INDArray> merged(PolicyTransformer policy) {
        Live live = live(policy);
        live.refresh();
        return live.weights();
    }

    /**
     * @param w base weight {@code [in, out]}
     * @param a {@code lora_A [r, in]}
     * @param b {@code lora_B [out, r]}
     * @param scale alpha / r (or alpha / sqrt(r))
     * @param dst receives {@code w + scale * a^T b^T} ({@code [in, out]}, C order; may not alias a or b)
     */
    public static void mergeInto(INDArray w, INDArray a, INDArray b, double scale, INDArray dst) {
        if (dst != w) {
            dst.assign(w);
        }
        Nd4j.gemm(a, b, dst, true, true, scale, 1.0);
    }

    /**
     * Merged weights kept up to date: {@link Live#refresh()} recomputes the targeted projections from the policy's
     * current base and adapter arrays into the same destination arrays (call it after every optimiser update).
     *
     * @param policy the policy
     * @return the live merge (no work to do for a policy without adapters)
     */
    public static Live live(PolicyTransformer policy) {
        LoraConfig lora = policy.lora();
        if (lora == null) {
            return new Live(policy.parameters(), List.of(), 0, Set.of());
        }
        Map<String, INDArray> base = policy.frozenParameters();
        Map<String, INDArray> adapters = policy.parameters();
        Map<String, INDArray> out = new LinkedHashMap<>(base);
        List<INDArray[]> merges = new ArrayList<>();
        Set<String> targeted = new HashSet<>();
        for (int l = 0; l < policy.config().numLayers(); l++) {
            for (String proj : lora.targetProjections()) {
                String name = WeightLayout.projection(l, proj);
                targeted.add(name);
                INDArray w = base.get(name);
                INDArray dst = Nd4j.createUninitialized(w.dataType(), w.shape(), 'c');
                out.put(name, dst);
                merges.add(new INDArray[]{w, adapters.get(LoraConfig.loraA(l, proj)),
                        adapters.get(LoraConfig.loraB(l, proj)), dst});
            }
        }
        Set<String> constant = new HashSet<>(base.keySet());
        constant.removeAll(targeted);
        Live live = new Live(out, merges, lora.scale(), constant);
        live.refresh();
        return live;
    }

    /** Merged weights over live arrays; see {@link #live(PolicyTransformer)}. */
    public static final class Live {
        private final Map<String, INDArray> weights;
        private final List<INDArray[]> merges; // {W, A, B, dst}
        private final double scale;
        private final Set<String> constant;

        private Live(Map<String, INDArray> weights, List<INDArray[]> merges, double scale, Set<String> constant) {
            this.weights = Collections.unmodifiableMap(weights);
            this.merges = merges;
            this.scale = scale;
            this.constant = Collections.unmodifiableSet(constant);
        }

        /**
         * A fixed map that needs no merging.
         *
         * @param weights name to array
         * @return a live merge whose {@link #refresh()} does nothing
         */
        public static Live fixed(Map<String, INDArray> weights) {
            return new Live(weights, List.of(), 0, Set.of());
        }

        /** @return name to array in {@link WeightLayout} order; targeted projections are merged copies */
        public Map<String, INDArray> weights() {
            return weights;
        }

        /**
         * @return names of weights that never change (a LoRA policy's frozen base, less the merged projections): a
         *         reader may copy them once
         */
        public Set<String> constant() {
            return constant;
        }

        /** Recomputes every merged projection from the current base and adapter values. */
        public void refresh() {
            for (INDArray[] m : merges) {
                mergeInto(m[0], m[1], m[2], scale, m[3]);
            }
        }
    }
}
