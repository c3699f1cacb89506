/**
 * Off-policy corrections for sampling from a behaviour policy other than the one being optimised,
 * as EAD does (annealed temperature tau_t during rollouts, tau = 1 in the loss).
 */
package org.ead4j.offpolicy;
