/** Tasks: seeded train/eval problem sets with the verifier that scores them (arithmetic, Countdown, JSONL files). */
package org.ead4j.task;
