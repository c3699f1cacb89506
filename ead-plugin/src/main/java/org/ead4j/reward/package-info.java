/**
 * Verifiers (rule-based rewards): exact match, numeric answers (MATH {@code \boxed{}}, GSM8K {@code ####}),
 * Countdown expressions, weighted composition, format rewards, and a bounded executor with a hard timeout.
 */
package org.ead4j.reward;
