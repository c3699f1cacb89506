package org.ead4j.it.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Uses ead4j as a dependency, as a DL4J user would: {@code mvn install} publishes ead-samediff and
 * ead-plugin (with sources and Javadoc jars) into the local repository, then the separate Maven
 * project {@code integration-tests/consumer-project} (groupId org.example) is built against them by
 * coordinates and its main class runs an EAD rollout with a DL4J policy network, sampling through
 * both the Java kernel and the SameDiff op. The consumer depends on ead-plugin and on the ND4J CPU
 * backend it chose (nd4j-native-platform); ead4j's own poms name nd4j-api only, nothing of CUDA
 * reaches the consumer's classpath, and the ops need no set-up call.
 *
 * <p>Writes org.ead4j 0.1.0-SNAPSHOT into the local repository (the one the outer build uses,
 * passed as {@code ead4j.it.localRepository}). Maven runs offline ({@code -o}); only when a plugin
 * the outer build never needed (e.g. maven-install-plugin under {@code mvn verify}) is missing from
 * the local repository is the step repeated online.
 */
class ConsumerProjectIT {

    private static final String VERSION = "0.1.0-SNAPSHOT";
    private static final String MARKER = "EAD4J_CONSUMER_OK prompts=4 tokens=192 kernel==graph";

    @Test
    void installedArtifactsBuildAndRunInASeparateMavenProject() throws Exception {
        Path root = repoRoot();
        Path work = root.resolve("integration-tests/target/consumer-it");
        Files.createDirectories(work);
        Assumptions.assumeTrue(run(List.of("mvn", "-v"), root, 60, work.resolve("mvn-version.log")).exitCode == 0,
                "mvn is not on PATH; the consumer-project test needs Maven");
        Path localRepo = Path.of(System.getProperty("ead4j.it.localRepository",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        List<String> mvn = List.of("mvn", "-B", "-q", "-Dmaven.repo.local=" + localRepo);

        // 1. what a user does: mvn install (sources and Javadoc jars are attached by the module poms)
        long t0 = System.nanoTime();
        Result install = maven(mvn, List.of("install", "-DskipTests", "-pl", "ead-samediff,ead-plugin", "-am"),
                root, 900, work.resolve("install.log"));
        System.out.printf("mvn install ead-samediff,ead-plugin: exit %d in %.1f s%n", install.exitCode, secondsSince(t0));
        assertEquals(0, install.exitCode, () -> "mvn install failed:\n" + install.tail());
        for (String artifact : List.of("ead-samediff", "ead-plugin")) {
            Path dir = localRepo.resolve("org/ead4j").resolve(artifact).resolve(VERSION);
            assertTrue(Files.isRegularFile(dir.resolve(artifact + "-" + VERSION + ".pom")), artifact + " pom not installed");
            assertJarHas(dir.resolve(artifact + "-" + VERSION + ".jar"), "org/ead4j/");
            assertJarHas(dir.resolve(artifact + "-" + VERSION + "-sources.jar"), ".java");
            assertJarHas(dir.resolve(artifact + "-" + VERSION + "-javadoc.jar"), "index.html");
        }
        assertJarHas(localRepo.resolve("org/ead4j/ead-samediff/" + VERSION + "/ead-samediff-" + VERSION + "-sources.jar"),
                "org/ead4j/samediff/schedule/ExploratoryAnnealing.java");
        assertTrue(Files.isRegularFile(localRepo.resolve("org/ead4j/ead4j-parent/" + VERSION + "/ead4j-parent-" + VERSION + ".pom")),
                "the parent pom must be installed too (the module poms inherit their dependency versions from it)");

        // 2. a fresh copy of the consumer project, built by coordinates only
        Path project = work.resolve("consumer-project");
        copyTree(root.resolve("integration-tests/consumer-project"), project);
        long t1 = System.nanoTime();
        Result build = maven(mvn, List.of("package", "-DskipTests"), project, 600, work.resolve("consumer-build.log"));
        System.out.printf("consumer project build: exit %d in %.1f s%n", build.exitCode, secondsSince(t1));
        assertEquals(0, build.exitCode, () -> "consumer project build failed:\n" + build.tail());
        String classpath = Files.readString(project.resolve("target/classpath.txt"), StandardCharsets.UTF_8).trim();
        assertTrue(classpath.contains(localRepo.resolve("org/ead4j/ead-plugin").toString()),
                () -> "ead-plugin must come from the local repository by coordinates; classpath: " + classpath);
        // one jar for both backends: the consumer chose nd4j-native, and nothing of CUDA came along
        assertTrue(classpath.contains("nd4j-native-1.0.0-M2.1"), () -> "nd4j-native missing; classpath: " + classpath);
        assertFalse(classpath.contains("cuda"), () -> "a CUDA artifact on the consumer's classpath: " + classpath);
        assertEquals(Set.of("org.nd4j:nd4j-api"), ead4jNd4jDependencies(localRepo),
                "the installed ead4j poms must name nd4j-api only (the backend is the application's choice)");

        // 3. run the rollout
        long t2 = System.nanoTime();
        String javaExe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Result rollout = run(List.of(javaExe, "-Xmx2g",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        "-Dorg.slf4j.simpleLogger.log.org.nd4j.imports.converters.ImportClassMapping=error",
                        "-cp", project.resolve("target/ead4j-consumer-1.0.jar") + java.io.File.pathSeparator + classpath,
                        "org.example.consumer.EadRollout"),
                project, 300, work.resolve("consumer-run.log"));
        System.out.printf("consumer rollout: exit %d in %.1f s%n", rollout.exitCode, secondsSince(t2));
        assertEquals(0, rollout.exitCode, () -> "the consumer's EAD rollout failed:\n" + rollout.tail());
        assertTrue(rollout.output.contains(MARKER), () -> "missing '" + MARKER + "' in:\n" + rollout.tail());
        assertEquals(4, rollout.output.lines().filter(l -> l.startsWith("response ")).count(),
                () -> "expected one response line per prompt:\n" + rollout.tail());
    }

    /** The org.nd4j artifacts the installed ead-samediff and ead-plugin poms depend on at compile or runtime scope. */
    private static Set<String> ead4jNd4jDependencies(Path localRepo) throws IOException {
        Set<String> out = new TreeSet<>();
        Pattern dep = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);
        for (String artifact : List.of("ead-samediff", "ead-plugin")) {
            String pom = Files.readString(localRepo.resolve("org/ead4j/" + artifact + "/" + VERSION + "/"
                    + artifact + "-" + VERSION + ".pom"), StandardCharsets.UTF_8);
            Matcher m = dep.matcher(pom);
            while (m.find()) {
                String d = m.group(1);
                boolean nd4j = d.contains("<groupId>org.nd4j</groupId>");
                boolean notShipped = d.contains("<scope>test</scope>") || d.contains("<scope>provided</scope>");
                if (nd4j && !notShipped) {
                    Matcher a = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(d);
                    if (a.find()) {
                        out.add("org.nd4j:" + a.group(1));
                    }
                }
            }
        }
        return out;
    }

    private static void assertJarHas(Path jar, String entrySuffixOrPrefix) throws IOException {
        assertTrue(Files.isRegularFile(jar), () -> jar + " was not installed");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            assertTrue(zip.stream().anyMatch(e -> e.getName().endsWith(entrySuffixOrPrefix)
                            || e.getName().startsWith(entrySuffixOrPrefix)),
                    () -> jar + " has no entry matching " + entrySuffixOrPrefix);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (Files.exists(to)) {
            try (Stream<Path> old = Files.walk(to)) {
                for (Path p : old.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                    Files.delete(p);
                }
            }
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path rel = from.relativize(p);
                if (rel.getNameCount() > 0 && rel.getName(0).toString().equals("target")) {
                    continue; // a build of the project in place
                }
                Path dest = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        assertTrue(Files.isRegularFile(to.resolve(".mvn/maven.config")), "consumer .mvn/maven.config missing");
    }

    /** Runs Maven offline; repeats online only when the offline run lacked an artifact it never downloaded. */
    private static Result maven(List<String> mvn, List<String> goals, Path dir, long timeoutS, Path log)
            throws IOException, InterruptedException {
        List<String> offline = new ArrayList<>(mvn);
        offline.add("-o");
        offline.addAll(goals);
        Result r = run(offline, dir, timeoutS, log);
        if (r.exitCode != 0 && r.output.contains("in offline mode")) {
            System.out.println("offline Maven lacked an artifact; repeating online: " + String.join(" ", goals));
            List<String> online = new ArrayList<>(mvn);
            online.addAll(goals);
            r = run(online, dir, timeoutS, log);
        }
        return r;
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** The repository root: the nearest folder above the working directory with integration-tests/consumer-project. */
    private static Path repoRoot() {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = p; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("integration-tests/consumer-project/pom.xml")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d;
            }
        }
        throw new IllegalStateException("no ead4j checkout (integration-tests/consumer-project) above " + p);
    }

    /** A finished process: exit code and its combined output. */
    private record Result(int exitCode, String output) {
        String tail() {
            String[] lines = output.lines().toArray(String[]::new);
            return String.join("\n", Arrays.copyOfRange(lines, Math.max(0, lines.length - 60), lines.length));
        }
    }

    /** Runs a command with a time limit, output to {@code log}; on timeout ends it and its descendants by id. */
    private static Result run(List<String> command, Path dir, long timeoutS, Path log) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            return new Result(127, command.get(0) + " could not be started: " + e.getMessage());
        }
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            return new Result(124, Files.readString(log, StandardCharsets.UTF_8)
                    + "\n[timed out after " + timeoutS + " s: " + String.join(" ", command) + "]");
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
