/**
 * Evaluation metrics over n samples per prompt (unbiased pass@k, pass^k, best@k, worst@k, mean@k, maj@k,
 * and verl's bootstrap best@k/worst@k/maj@k), per data source, plus per-step training diagnostics.
 */
package org.ead4j.metrics;
