/**
 * Outcome-reward advantage estimators for group sampling (several responses per prompt), after
 * verl's {@code compute_*_outcome_advantage}: GRPO, Dr.GRPO, RLOO and REINFORCE++-baseline.
 * Each turns the rewards of one batch, grouped by prompt, into one advantage per response, which
 * the trainer broadcasts over that response's tokens.
 */
package org.ead4j.advantage;
