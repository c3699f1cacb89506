/** Problems with verifiable answers and their files: the {@code Problem} record and the JSONL loaders. */
package org.ead4j.data;
