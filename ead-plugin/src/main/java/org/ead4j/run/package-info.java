/**
 * Run directories ({@code runs/NAME/}): the provenance, the step and eval logs (JSON lines),
 * atomic checksummed checkpoints that survive a crash at any point, and the plots folder.
 */
package org.ead4j.run;
