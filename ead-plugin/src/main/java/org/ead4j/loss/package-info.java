/**
 * Policy losses for RLVR as configurable components that add ead4j's policy-loss op to a SameDiff
 * graph: {@link org.ead4j.loss.PpoClipLoss} (GRPO, verl {@code vanilla}), {@link org.ead4j.loss.DapoLoss},
 * {@link org.ead4j.loss.ClipCovLoss} and {@link org.ead4j.loss.KlCovLoss}, each with verl's knobs
 * and defaults, an optional {@link org.ead4j.loss.KlPenalty}, an entropy bonus and truncated
 * importance sampling ({@link org.ead4j.offpolicy.TruncatedImportanceSampling}).
 */
package org.ead4j.loss;
