package org.ead4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --checkpoint DIR | --model DIR}: where {@code eval} and {@code sample} take their policy from (one is required). */
class PolicySourceOptions {

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "a run directory, a checkpoint folder (checkpoints/step-N) or a policy checkpoint")
    Path checkpoint;

    @Option(names = "--model", paramLabel = "DIR", description = "a Hugging Face model folder (config.json + safetensors)")
    Path model;

    /** @return the policy the flags name */
    PolicySource open() throws IOException {
        return PolicySource.open(model, checkpoint);
    }

    /** @return the flag and path as the user gave them, for messages */
    String describe() {
        return model != null ? "--model " + model : "--checkpoint " + checkpoint;
    }
}
