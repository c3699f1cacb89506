/**
 * Tribuo-style provenance for experiments: the {@link org.ead4j.provenance.ExperimentProvenance} of a
 * run, its JSON form, the {@link org.ead4j.provenance.ClassAllowlist} that guards every file naming
 * classes, loading experiments from provenance or OLCUT configuration files
 * ({@link org.ead4j.provenance.ExperimentConfigs}) and comparing two runs
 * ({@link org.ead4j.provenance.ProvenanceDiff}).
 */
package org.ead4j.provenance;
