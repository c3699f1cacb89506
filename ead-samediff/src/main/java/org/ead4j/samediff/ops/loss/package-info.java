/**
 * RLVR policy losses as SameDiff custom ops: verl's {@code vanilla} (PPO clip with dual clip; GRPO and
 * DAPO are presets of it), {@code clip_cov} and {@code kl_cov}, with verl's {@code loss_agg_mode}
 * aggregations, a KL-to-reference term, an entropy bonus and truncated importance sampling for
 * EAD's off-policy sampling. {@link org.ead4j.samediff.ops.loss.PolicyLossOp} is the forward op,
 * {@link org.ead4j.samediff.ops.loss.PolicyLossBpOp} its gradient, both thin wrappers around the
 * double-precision {@link org.ead4j.samediff.ops.loss.PolicyLossKernel}.
 */
package org.ead4j.samediff.ops.loss;
