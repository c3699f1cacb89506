/**
 * {@code ead study}: the EAD paper's comparison (EAD, EAD + TIS, fixed temperatures x losses x seeds
 * from one warm start) run as a grid, with seed statistics, paired differences, entropy curves,
 * schedule ablations and inference-time EAD, reported in {@code study.json} and {@code study.md}.
 */
package org.ead4j.examples.study;
