package org.ead4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.ead4j.samediff.hf.HfConfig;
import org.ead4j.samediff.io.SafetensorsDtype;

/** Checks shared by the commands that read or write Hugging Face model folders. */
final class ModelFolders {

    private ModelFolders() {
    }

    /**
     * @param dir a path
     * @return whether it is a folder holding config.json (a Hugging Face model folder)
     */
    static boolean isModelFolder(Path dir) {
        return dir != null && Files.isRegularFile(dir.resolve(HfConfig.CONFIG_FILE));
    }

    /**
     * Refuses a path that is not a model folder.
     *
     * @param dir the path
     * @param what the flag or command naming it
     */
    static void requireModelFolder(Path dir, String what) {
        if (!Files.exists(dir)) {
            throw new UserException(what + " " + dir + ": no such folder");
        }
        if (!isModelFolder(dir)) {
            throw new UserException(what + " " + dir + ": not a Hugging Face model folder (no " + HfConfig.CONFIG_FILE
                    + "); give the folder holding config.json and the .safetensors files");
        }
    }

    /**
     * Refuses an output path that is not absent or an empty folder, so an export never mixes with other files.
     *
     * @param out the path
     * @throws IOException if the folder cannot be listed
     */
    static void requireNewOutput(Path out) throws IOException {
        if (out.toString().isBlank()) {
            throw new UserException("--out '' is invalid: give the path of a new or empty folder");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UserException("--out " + out + " is a file; give the path of a new or empty folder");
        }
        if (Files.isDirectory(out)) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new UserException("--out " + out + " is not empty; give the path of a new or empty folder");
                }
            }
        }
    }

    /**
     * @param flag the {@code --dtype} value
     * @return the stored type
     */
    static SafetensorsDtype dtype(String flag) {
        switch (flag.toLowerCase(Locale.ROOT)) {
            case "float32":
            case "f32":
                return SafetensorsDtype.F32;
            case "bfloat16":
            case "bf16":
                return SafetensorsDtype.BF16;
            default:
                throw new UserException("--dtype " + flag + " is invalid: must be float32 or bfloat16");
        }
    }
}
