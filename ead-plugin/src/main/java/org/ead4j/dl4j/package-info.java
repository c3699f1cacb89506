/**
 * RLVR losses for plain DeepLearning4J networks (MultiLayerNetwork, ComputationGraph): a
 * {@link org.nd4j.linalg.lossfunctions.ILossFunction} over the policy's logits whose labels pack,
 * per row, the sampled action, its advantage and its old and behaviour log-probs.
 */
package org.ead4j.dl4j;
