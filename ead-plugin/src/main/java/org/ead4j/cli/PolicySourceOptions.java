package org.ead4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * {@code --checkpoint DIR | --model DIR [--adapter DIR]}: where {@code eval} and {@code sample} take their policy
 * from (one of the two is required).
 */
class PolicySourceOptions {

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "a run directory, a checkpoint folder (checkpoints/step-N) or a policy checkpoint")
    Path checkpoint;

    @ArgGroup(exclusive = false)
    ModelOptions model;

    /** {@code --model DIR [--adapter DIR]}. */
    static class ModelOptions {
        @Option(names = "--model", required = true, paramLabel = "DIR",
                description = "a Hugging Face model folder (config.json + safetensors)")
        Path dir;

        @Option(names = "--adapter", paramLabel = "DIR",
                description = "with --model: a PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors) "
                        + "loaded onto the model")
        Path adapter;
    }

    /** @return the policy the flags name */
    PolicySource open() throws IOException {
        return model != null ? PolicySource.openModel(model.dir, model.adapter) : PolicySource.open(checkpoint);
    }

    /** @return the flag and path as the user gave them, for messages */
    String describe() {
        return model != null ? "--model " + model.dir : "--checkpoint " + checkpoint;
    }
}
