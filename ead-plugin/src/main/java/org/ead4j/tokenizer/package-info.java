/** Tokenizers: text to token ids and back, with the special tokens (PAD, BOS, EOS) the policy needs. */
package org.ead4j.tokenizer;
