/** Fast batched autoregressive generation with a KV cache on the policy's weights (rollouts). */
package org.ead4j.samediff.decode;
