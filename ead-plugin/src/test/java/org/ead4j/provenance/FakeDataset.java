package org.ead4j.provenance;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

/** A stand-in for a task/dataset whose content is a list of prompts. */
public class FakeDataset implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    @Config(description = "dataset name")
    private String name = "arith";

    @Config(description = "number of prompts")
    private int size = 8;

    /** For OLCUT. */
    public FakeDataset() {
    }

    /**
     * Creates the dataset.
     *
     * @param name name
     * @param size number of prompts
     */
    public FakeDataset(String name, int size) {
        this.name = name;
        this.size = size;
    }

    /** @return SHA-256 of the prompts' text, as a real dataset would hash its content */
    public String contentHash() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < size; i++) {
            sb.append(name).append(':').append(i).append(" + ").append(i).append('\n');
        }
        return ContentHash.sha256(sb.toString());
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Dataset");
    }
}
