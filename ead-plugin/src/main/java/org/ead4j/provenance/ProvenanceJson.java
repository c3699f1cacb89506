package org.ead4j.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.oracle.labs.mlrg.olcut.config.json.JsonProvenanceSerialization;
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.provenance.io.ProvenanceSerializationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ead4j.cli.UserException;
import org.ead4j.run.AtomicFiles;

/**
 * Reads and writes provenance as OLCUT's marshalled JSON ({@code JsonProvenanceSerialization}).
 * Reading scans the file with a {@link ClassAllowlist} before OLCUT instantiates any class it names.
 */
public final class ProvenanceJson {

    private ProvenanceJson() {
    }

    /**
     * Serialises provenance to pretty-printed JSON.
     *
     * @param provenance the provenance
     * @return the JSON text
     */
    public static String toJson(ObjectProvenance provenance) {
        return new JsonProvenanceSerialization(true).marshalAndSerialize(provenance);
    }

    /**
     * Writes provenance to a file atomically (temporary file, fsync, rename, fsync folder).
     *
     * @param provenance the provenance
     * @param file the target file
     * @throws IOException if it cannot be written
     */
    public static void write(ObjectProvenance provenance, Path file) throws IOException {
        AtomicFiles.write(file, toJson(provenance).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads provenance after checking every class it names against the default allowlist.
     *
     * @param file the provenance JSON file
     * @return the provenance
     * @throws UserException for a missing, malformed or refused file
     * @throws IOException if it cannot be read
     */
    public static ObjectProvenance read(Path file) throws IOException {
        return read(file, ClassAllowlist.defaults());
    }

    /**
     * Reads provenance after checking every class it names against an allowlist.
     *
     * @param file the provenance JSON file
     * @param allowlist the classes that may be instantiated
     * @return the provenance
     * @throws UserException for a missing, malformed or refused file
     * @throws IOException if it cannot be read
     */
    public static ObjectProvenance read(Path file, ClassAllowlist allowlist) throws IOException {
        if (!Files.exists(file)) {
            throw new UserException("no such file: " + file);
        }
        org.ead4j.run.MemoryBudget.requireFileSize(file, "the provenance file", org.ead4j.run.MemoryBudget.MAX_CONFIG_BYTES);
        // read once: the bytes that were checked are the bytes that get unmarshalled
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserException(file + " is not UTF-8 text: a provenance file is JSON", e);
        }
        JsonNode tree = ClassAllowlist.parseJson(json.getBytes(StandardCharsets.UTF_8), file);
        allowlist.checkProvenanceJson(tree, file);
        if (tree.isEmpty()) {
            throw new UserException(file + " is an empty JSON list: a provenance file lists marshalled provenance "
                    + "objects, and a configuration starts with {\"config\": ...}");
        }
        for (int i = 0; i < tree.size(); i++) {
            if (!tree.get(i).isObject() || !tree.get(i).has("marshalled-class")) {
                throw new UserException(file + ": element [" + i + "] is " + describe(tree.get(i)) + ", not a "
                        + "marshalled provenance object (a configuration starts with {\"config\": ...})");
            }
        }
        try {
            return ProvenanceUtil.unmarshalProvenance(new JsonProvenanceSerialization(false).deserializeFromString(json));
        } catch (ProvenanceSerializationException | ProvenanceException | ClassCastException e) {
            // OLCUT's message alone ("Failed to deserialize provenance") does not say what is wrong
            String why = e.getCause() != null && e.getCause().getMessage() != null
                    ? e.getMessage() + ": " + e.getCause().getMessage() : e.getMessage();
            throw new UserException(file + " is not a valid provenance file (a JSON list is read as a run's "
                    + "provenance.json; a configuration starts with {\"config\": ...}): " + why, e);
        } catch (RuntimeException e) {
            // OLCUT reports a missing class or constructor as an unchecked reflection failure
            throw new UserException(file + " could not be unmarshalled: " + org.ead4j.cli.UserMessages.oneLine(e.getMessage()), e);
        }
    }

    private static String describe(JsonNode n) {
        String t = n.toString();
        return "a " + n.getNodeType().toString().toLowerCase() + (t.length() <= 20 ? " (" + t + ")" : "");
    }

    /**
     * Reads an experiment's provenance ({@code provenance.json} of a run).
     *
     * @param file the provenance JSON file
     * @return the experiment provenance
     * @throws UserException if the file holds another kind of provenance, or is missing, malformed or refused
     * @throws IOException if it cannot be read
     */
    public static ExperimentProvenance readExperiment(Path file) throws IOException {
        ObjectProvenance p = read(file);
        if (!(p instanceof ExperimentProvenance e)) {
            throw new UserException(file + " holds a " + p.getClass().getSimpleName()
                    + ", not an ExperimentProvenance (the provenance.json of an ead4j run)");
        }
        return e;
    }
}
