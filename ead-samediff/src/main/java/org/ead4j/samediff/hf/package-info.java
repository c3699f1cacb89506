/**
 * Hugging Face model folders in and out: config.json and generation_config.json to and from a
 * {@link org.ead4j.samediff.policy.PolicyConfig} ({@link org.ead4j.samediff.hf.HfConfig}), weights under Hugging Face
 * tensor names ({@link org.ead4j.samediff.hf.HfTensorNames}, {@link org.ead4j.samediff.hf.HfModel},
 * {@link org.ead4j.samediff.hf.HfExporter}), random-init models of a real shape
 * ({@link org.ead4j.samediff.hf.RandomHfModel}) and a summary with memory estimates ({@link org.ead4j.samediff.hf.ModelInfo}).
 * docs/architectures.md lists the config.json mapping.
 */
package org.ead4j.samediff.hf;
