package org.ead4j.provenance;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.ead4j.cli.EadVersion;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The software and platform a run used. Recorded because results can differ between them:
 * ND4J backends and BLAS builds round differently, and {@code java.lang.Math} differs between
 * platforms and Java versions (the reason Tribuo's {@code ModelProvenance} records Java, OS and arch).
 *
 * @param ead4j ead4j version
 * @param nd4jBackend ND4J backend class, e.g. {@code org.nd4j.linalg.cpu.nativecpu.CpuBackend}
 * @param nd4jBackendVersion version of the jar holding the backend class
 * @param nd4jVersion nd4j-api version
 * @param dl4jVersion deeplearning4j-nn version
 * @param nd4jDataType ND4J's default floating-point data type, e.g. {@code FLOAT}
 * @param olcutVersion olcut-core version (the configuration and provenance library Tribuo uses)
 * @param javaVersion {@code java.version}
 * @param javaVm {@code java.vm.name} and {@code java.vm.version}
 * @param osName {@code os.name}
 * @param osArch {@code os.arch}
 */
public record RuntimeVersions(String ead4j, String nd4jBackend, String nd4jBackendVersion, String nd4jVersion,
                              String dl4jVersion, String nd4jDataType, String olcutVersion, String javaVersion,
                              String javaVm, String osName, String osArch) {

    /** Value recorded when a version cannot be determined. */
    public static final String UNKNOWN = "unknown";

    /** Provenance key of {@link #ead4j()}. */
    public static final String EAD4J = "ead4j-version";
    /** Provenance key of {@link #nd4jBackend()}. */
    public static final String ND4J_BACKEND = "nd4j-backend";
    /** Provenance key of {@link #nd4jBackendVersion()}. */
    public static final String ND4J_BACKEND_VERSION = "nd4j-backend-version";
    /** Provenance key of {@link #nd4jVersion()}. */
    public static final String ND4J_VERSION = "nd4j-version";
    /** Provenance key of {@link #dl4jVersion()}. */
    public static final String DL4J_VERSION = "dl4j-version";
    /** Provenance key of {@link #nd4jDataType()}. */
    public static final String ND4J_DATA_TYPE = "nd4j-data-type";
    /** Provenance key of {@link #olcutVersion()}. */
    public static final String OLCUT_VERSION = "olcut-version";
    /** Provenance key of {@link #javaVersion()}. */
    public static final String JAVA_VERSION = "java-version";
    /** Provenance key of {@link #javaVm()}. */
    public static final String JAVA_VM = "java-vm";
    /** Provenance key of {@link #osName()}. */
    public static final String OS_NAME = "os-name";
    /** Provenance key of {@link #osArch()}. */
    public static final String OS_ARCH = "os-arch";

    /** Every provenance key, in the order of the record's components. */
    public static final List<String> KEYS = List.of(EAD4J, ND4J_BACKEND, ND4J_BACKEND_VERSION, ND4J_VERSION,
            DL4J_VERSION, ND4J_DATA_TYPE, OLCUT_VERSION, JAVA_VERSION, JAVA_VM, OS_NAME, OS_ARCH);

    /**
     * Creates the record; no value may be null (use {@link #UNKNOWN}).
     *
     * @param ead4j see the record component
     * @param nd4jBackend see the record component
     * @param nd4jBackendVersion see the record component
     * @param nd4jVersion see the record component
     * @param dl4jVersion see the record component
     * @param nd4jDataType see the record component
     * @param olcutVersion see the record component
     * @param javaVersion see the record component
     * @param javaVm see the record component
     * @param osName see the record component
     * @param osArch see the record component
     */
    public RuntimeVersions {
        for (String v : new String[]{ead4j, nd4jBackend, nd4jBackendVersion, nd4jVersion, dl4jVersion, nd4jDataType,
                olcutVersion, javaVersion, javaVm, osName, osArch}) {
            if (v == null) {
                throw new IllegalArgumentException("RuntimeVersions: no value may be null (use \"" + UNKNOWN + "\")");
            }
        }
    }

    /**
     * Detects the versions of this JVM. Initialises ND4J (about 1.5 s the first time in a JVM) to find
     * the backend; a trainer has done that already.
     *
     * @return the versions, "unknown" where one cannot be found
     */
    public static RuntimeVersions detect() {
        String backend = UNKNOWN;
        String backendVersion = UNKNOWN;
        String dataType = UNKNOWN;
        try {
            Class<?> backendClass = Nd4j.getBackend().getClass();
            backend = backendClass.getName();
            backendVersion = jarVersion(backendClass);
            dataType = String.valueOf(Nd4j.defaultFloatingPointType());
        } catch (RuntimeException | LinkageError e) {
            // no usable backend: record "unknown" rather than fail the run's bookkeeping
        }
        return new RuntimeVersions(EadVersion.version(), backend, backendVersion,
                mavenVersion("org.nd4j", "nd4j-api"), mavenVersion("org.deeplearning4j", "deeplearning4j-nn"),
                dataType, mavenVersion("com.oracle.labs.olcut", "olcut-core"), System.getProperty("java.version", UNKNOWN),
                System.getProperty("java.vm.name", UNKNOWN) + " " + System.getProperty("java.vm.version", ""),
                System.getProperty("os.name", UNKNOWN), System.getProperty("os.arch", UNKNOWN));
    }

    /**
     * The values by provenance key, in a stable order.
     *
     * @return key to value
     */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(EAD4J, ead4j);
        m.put(ND4J_BACKEND, nd4jBackend);
        m.put(ND4J_BACKEND_VERSION, nd4jBackendVersion);
        m.put(ND4J_VERSION, nd4jVersion);
        m.put(DL4J_VERSION, dl4jVersion);
        m.put(ND4J_DATA_TYPE, nd4jDataType);
        m.put(OLCUT_VERSION, olcutVersion);
        m.put(JAVA_VERSION, javaVersion);
        m.put(JAVA_VM, javaVm);
        m.put(OS_NAME, osName);
        m.put(OS_ARCH, osArch);
        return m;
    }

    /**
     * Rebuilds the record from {@link #asMap()}'s keys; missing keys become "unknown" and keys no longer
     * recorded (e.g. {@code tribuo-version}) are ignored (older files).
     *
     * @param m key to value
     * @return the versions
     */
    public static RuntimeVersions fromMap(Map<String, String> m) {
        return new RuntimeVersions(get(m, EAD4J), get(m, ND4J_BACKEND), get(m, ND4J_BACKEND_VERSION),
                get(m, ND4J_VERSION), get(m, DL4J_VERSION), get(m, ND4J_DATA_TYPE), get(m, OLCUT_VERSION),
                get(m, JAVA_VERSION), get(m, JAVA_VM), get(m, OS_NAME), get(m, OS_ARCH));
    }

    private static String get(Map<String, String> m, String key) {
        return m.getOrDefault(key, UNKNOWN);
    }

    /** The version in a jar's Maven metadata ({@code META-INF/maven/GROUP/ARTIFACT/pom.properties}). */
    static String mavenVersion(String group, String artifact) {
        String res = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = RuntimeVersions.class.getResourceAsStream(res)) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", UNKNOWN);
        } catch (IOException e) {
            return UNKNOWN;
        }
    }

    /** The Maven version of the jar a class was loaded from (its only pom.properties), or "unknown". */
    static String jarVersion(Class<?> cls) {
        CodeSource cs = cls.getProtectionDomain().getCodeSource();
        URL loc = cs == null ? null : cs.getLocation();
        if (loc == null || !"file".equals(loc.getProtocol()) || !loc.getPath().endsWith(".jar")) {
            return UNKNOWN;
        }
        try (JarFile jar = new JarFile(Path.of(loc.toURI()).toFile())) {
            for (Enumeration<JarEntry> en = jar.entries(); en.hasMoreElements(); ) {
                JarEntry e = en.nextElement();
                if (e.getName().startsWith("META-INF/maven/") && e.getName().endsWith("/pom.properties")) {
                    Properties p = new Properties();
                    try (InputStream in = jar.getInputStream(e)) {
                        p.load(in);
                    }
                    return p.getProperty("version", UNKNOWN);
                }
            }
        } catch (IOException | java.net.URISyntaxException | IllegalArgumentException e) {
            return UNKNOWN;
        }
        return UNKNOWN;
    }
}
