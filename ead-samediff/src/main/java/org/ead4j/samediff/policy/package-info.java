/** The policy transformer as a SameDiff graph, its configuration, weight layout and the AdamW optimiser. */
package org.ead4j.samediff.policy;
