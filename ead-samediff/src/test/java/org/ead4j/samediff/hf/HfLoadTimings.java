package org.ead4j.samediff.hf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ead4j.samediff.io.SafetensorsDtype;
import org.ead4j.samediff.policy.PolicyTransformer;

/**
 * Quick timings (not a test): writes a random-init Qwen2.5-0.5B-shaped folder and loads it, printing wall time and
 * the process's peak resident memory. Run with OMP_NUM_THREADS=1:
 * {@code java -cp target/test-classes:target/classes:<deps> org.ead4j.samediff.hf.HfLoadTimings write|load|policy DIR [bf16|f32]}
 * (each in its own JVM, so that the peak belongs to that phase alone).
 */
public final class HfLoadTimings {

    private HfLoadTimings() {
    }

    /**
     * Entry point.
     *
     * @param args phase, folder, dtype
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        long t0 = System.nanoTime();
        switch (args[0]) {
            case "write":
                SafetensorsDtype dt = args.length > 2 && args[2].equals("f32") ? SafetensorsDtype.F32 : SafetensorsDtype.BF16;
                RandomHfModel.write(dir, RandomHfModel.Spec.qwen25_05b(0), dt, null, 151643, List.of(151645, 151643));
                break;
            case "load":
                HfModel m = HfModel.load(dir);
                System.out.println("tensors " + m.weights().size());
                break;
            case "read": // the files alone, no transposition
                try (org.ead4j.samediff.io.SafetensorsModel f = org.ead4j.samediff.io.SafetensorsModel.open(dir)) {
                    long n = 0;
                    for (String t : f.tensors().keySet()) {
                        n += f.read(t).length();
                    }
                    System.out.println("elements " + n);
                }
                break;
            case "policy":
                PolicyTransformer p = HfModel.loadPolicy(dir);
                System.out.println("parameters " + p.parameterCount());
                break;
            default:
                throw new IllegalArgumentException("phase must be write, load or policy");
        }
        double s = (System.nanoTime() - t0) / 1e9;
        String hwm = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmHWM") || l.startsWith("RssAnon") || l.startsWith("RssFile")).reduce((a, b) -> a + "; " + b).orElse("");
        System.out.printf("%s %s: %.2f s; %s%n", args[0], dir, s, hwm.replaceAll("\\s+", " "));
    }
}
