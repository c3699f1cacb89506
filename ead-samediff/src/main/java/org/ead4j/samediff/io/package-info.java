/** Checkpoint IO for the policy weights, its configuration and the optimiser state. */
package org.ead4j.samediff.io;
