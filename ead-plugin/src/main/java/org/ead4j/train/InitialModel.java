package org.ead4j.train;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ead4j.samediff.hf.HfConfig;
import org.ead4j.samediff.hf.HfModel;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;

/** A Hugging Face model folder as the starting policy of a run ({@link RlvrTrainer}'s {@code initialModel}). */
final class InitialModel {

    private InitialModel() {
    }

    /**
     * The policy configuration a run starting from a model folder trains.
     *
     * @param component the configuring component's name, for messages
     * @param folder the model folder
     * @param configured the configured policy, or null
     * @param initialCheckpoint the configured initial checkpoint, or null
     * @return the model's configuration
     * @throws PropertyException naming the field when the folder is unusable or disagrees with the configured policy
     */
    static PolicyConfig policyConfig(String component, String folder, PolicyConfig configured, String initialCheckpoint) {
        if (initialCheckpoint != null) {
            throw new PropertyException(component, "initialModel", "initialModel and initialCheckpoint are both set: "
                    + "start from one of them");
        }
        Path dir = Path.of(folder);
        if (!Files.isRegularFile(dir.resolve(HfConfig.CONFIG_FILE))) {
            throw new PropertyException(component, "initialModel", "initialModel = '" + folder + "' is not a Hugging "
                    + "Face model folder (no " + HfConfig.CONFIG_FILE + ")");
        }
        PolicyConfig fromModel;
        try {
            fromModel = HfConfig.read(dir).policy();
        } catch (IOException | IllegalArgumentException e) {
            throw new PropertyException(e, component, "initialModel", "initialModel = '" + folder + "': " + e.getMessage());
        }
        if (configured != null && !configured.equals(fromModel)) {
            List<String> diff = configured.differences(fromModel);
            throw new PropertyException(component, "policy", "policy differs from initialModel's config.json ("
                    + String.join(", ", diff.subList(0, Math.min(4, diff.size()))) + (diff.size() > 4 ? ", ..." : "")
                    + "); leave policy out to take the model's");
        }
        return fromModel;
    }

    /**
     * Loads the model's weights into a policy.
     *
     * @param folder the model folder
     * @return the float32 policy
     */
    static PolicyTransformer load(String folder) {
        try {
            return HfModel.loadPolicy(Path.of(folder));
        } catch (IOException e) {
            throw new IllegalArgumentException("initialModel '" + folder + "' cannot be loaded: " + e.getMessage(), e);
        }
    }
}
