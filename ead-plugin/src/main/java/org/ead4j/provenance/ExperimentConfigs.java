package org.ead4j.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oracle.labs.mlrg.olcut.config.ConfigurationData;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.config.io.ConfigLoaderException;
import com.oracle.labs.mlrg.olcut.config.json.JsonConfigFactory;
import com.oracle.labs.mlrg.olcut.config.property.ListProperty;
import com.oracle.labs.mlrg.olcut.config.property.MapProperty;
import com.oracle.labs.mlrg.olcut.config.property.Property;
import com.oracle.labs.mlrg.olcut.config.property.SimpleProperty;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.ead4j.cli.UserException;
import org.ead4j.run.AtomicFiles;

/**
 * Builds an experiment's components from a file, and writes them back out as a configuration file.
 * Three file kinds are read, told apart by content:
 * <ul>
 *   <li>a run's {@code provenance.json} (a JSON list): OLCUT's {@code ProvenanceUtil.extractConfiguration}
 *       turns the recorded {@code @Config} values back into configuration, and
 *       {@code ConfigurationManager} instantiates it (exact replay);</li>
 *   <li>an OLCUT JSON configuration ({@code {"config": {"components": [...]}}}), hand-written or made by
 *       {@link #writeConfig}; numbers and booleans may be written unquoted;</li>
 *   <li>an OLCUT XML configuration ({@code <config><component name=".." type="..">...}).</li>
 * </ul>
 * Every file is checked against a {@link ClassAllowlist} before any class it names is loaded. Mistakes
 * become a {@link UserException} naming the file and, where OLCUT says, the component and property:
 * unknown properties, values of the wrong type, missing mandatory properties, failed validation in
 * {@code postConfig()}, unknown classes, references to missing components, malformed JSON or XML
 * (with the line).
 */
public final class ExperimentConfigs {

    static {
        // OLCUT picks the config format by file extension; XML is built in, JSON needs this factory
        ConfigurationManager.addFileFormatFactory(new JsonConfigFactory());
    }

    private ExperimentConfigs() {
    }

    /**
     * Loads the single root component of a type from a provenance or configuration file, using the
     * default allowlist.
     *
     * @param file provenance.json, or an OLCUT JSON or XML configuration
     * @param type the component type wanted (e.g. the trainer class or interface)
     * @param <T> the type
     * @return the instantiated, configured component (with everything it references)
     * @throws UserException for any mistake in the file (message names the file, component and property)
     * @throws IOException if the file cannot be read
     */
    public static <T extends Configurable> T load(Path file, Class<T> type) throws IOException {
        return load(file, type, ClassAllowlist.defaults());
    }

    /**
     * Loads the single root component of a type from a provenance or configuration file.
     *
     * @param file provenance.json, or an OLCUT JSON or XML configuration
     * @param type the component type wanted
     * @param allowlist the classes the file may name
     * @param <T> the type
     * @return the instantiated, configured component
     * @throws UserException for any mistake in the file
     * @throws IOException if the file cannot be read
     */
    public static <T extends Configurable> T load(Path file, Class<T> type, ClassAllowlist allowlist)
            throws IOException {
        switch (detect(file)) {
            case PROVENANCE:
                return fromProvenance(ProvenanceJson.read(file, allowlist), type, allowlist, file.toString());
            case JSON_CONFIG: {
                // the checked tree is what gets loaded: the file is not read again
                JsonNode tree = ClassAllowlist.parseJson(file);
                allowlist.checkConfigJson(tree, file);
                byte[] strict = new ObjectMapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsBytes(JsonConfigNormaliser.normalise(tree, file));
                return fromConfigBytes(strict, "json", file, type);
            }
            default: {
                byte[] xml = Files.readAllBytes(file); // read once: the checked bytes are the loaded bytes
                allowlist.checkConfigXml(xml, file);
                return fromConfigBytes(xml, "xml", file, type);
            }
        }
    }

    /**
     * Rebuilds the single root component of a type from provenance (e.g. a run's
     * {@link ExperimentProvenance}), checking the classes against the default allowlist.
     *
     * @param provenance the provenance
     * @param type the component type wanted
     * @param <T> the type
     * @return the instantiated, configured component
     * @throws UserException if the configuration cannot be rebuilt
     */
    public static <T extends Configurable> T fromProvenance(ObjectProvenance provenance, Class<T> type) {
        return fromProvenance(provenance, type, ClassAllowlist.defaults(), "provenance");
    }

    private static <T extends Configurable> T fromProvenance(ObjectProvenance provenance, Class<T> type,
                                                            ClassAllowlist allowlist, String source) {
        List<ConfigurationData> cds;
        try {
            cds = ProvenanceUtil.extractConfiguration(provenance);
        } catch (ProvenanceException | PropertyException e) {
            throw new UserException(source + ": cannot extract a configuration from the provenance: "
                    + e.getMessage(), e);
        }
        for (ConfigurationData cd : cds) {
            if (!allowlist.allowsComponent(cd.getClassName())) {
                throw new UserException("refusing to instantiate component '" + cd.getName() + "' of class '"
                        + cd.getClassName() + "' from " + source + ": not on the component allowlist "
                        + allowlist.componentPackages());
            }
        }
        ConfigurationManager cm = new ConfigurationManager();
        try {
            cm.addConfiguration(cds);
            return lookupRoot(cm, type, source);
        } catch (PropertyException | ConfigLoaderException | IllegalArgumentException | IllegalStateException e) {
            throw new UserException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Rebuilds a component nested anywhere in provenance, e.g. the temperature schedule inside a run's
     * trainer. Searches depth-first; a component recorded under the key {@code preferredKey} wins over
     * others of the type.
     *
     * @param provenance the provenance to search (e.g. an {@link ExperimentProvenance})
     * @param type the component type wanted
     * @param preferredKey the property name to prefer, e.g. {@code schedule} (may be null)
     * @param <T> the type
     * @return the rebuilt component, or empty if none of that type is recorded
     * @throws UserException if the component's configuration cannot be rebuilt
     */
    public static <T extends Configurable> Optional<T> nestedComponent(ObjectProvenance provenance, Class<T> type,
                                                                      String preferredKey) {
        ClassAllowlist allowlist = ClassAllowlist.defaults();
        List<ConfiguredObjectProvenance> found = new ArrayList<>();
        ConfiguredObjectProvenance[] preferred = new ConfiguredObjectProvenance[1];
        collect(provenance, type, preferredKey, allowlist, found, preferred);
        ConfiguredObjectProvenance chosen = preferred[0] != null ? preferred[0] : found.isEmpty() ? null : found.get(0);
        return chosen == null ? Optional.empty()
                : Optional.of(fromProvenance(chosen, type, allowlist, "provenance of " + chosen.getClassName()));
    }

    /** Depth-first walk; the preferred match is the shallowest one under {@code preferredKey}
     *  (so {@code trainer.schedule} wins over {@code trainer.evaluation.schedule}). */
    private static void collect(ObjectProvenance p, Class<?> type, String preferredKey, ClassAllowlist allowlist,
                                List<ConfiguredObjectProvenance> found, ConfiguredObjectProvenance[] preferred) {
        collect(p, type, preferredKey, allowlist, found, preferred, 0, new int[]{Integer.MAX_VALUE});
    }

    private static void collect(ObjectProvenance p, Class<?> type, String preferredKey, ClassAllowlist allowlist,
                                List<ConfiguredObjectProvenance> found, ConfiguredObjectProvenance[] preferred,
                                int depth, int[] preferredDepth) {
        for (com.oracle.labs.mlrg.olcut.util.Pair<String, com.oracle.labs.mlrg.olcut.provenance.Provenance> pair : p) {
            if (pair.getB() instanceof ConfiguredObjectProvenance c) {
                Class<?> cls = allowlist.allowsComponent(c.getClassName()) ? loadQuietly(c.getClassName()) : null;
                if (cls != null && type.isAssignableFrom(cls)) {
                    found.add(c);
                    if (depth < preferredDepth[0] && pair.getA().equals(preferredKey)) {
                        preferred[0] = c;
                        preferredDepth[0] = depth;
                    }
                }
                collect(c, type, preferredKey, allowlist, found, preferred, depth + 1, preferredDepth);
            } else if (pair.getB() instanceof ObjectProvenance o) {
                collect(o, type, preferredKey, allowlist, found, preferred, depth + 1, preferredDepth);
            }
        }
    }

    /**
     * Writes the configuration of a component (and everything it references) as an OLCUT configuration
     * file, atomically; the format follows the extension ({@code .json} or {@code .xml}). The file loads
     * back with {@link #load} into an equal configuration. Redacted fields are left out.
     *
     * @param root the component (e.g. a trainer)
     * @param file the target file
     * @throws UserException for an unsupported extension
     * @throws IOException if it cannot be written
     */
    public static void writeConfig(Provenancable<? extends ConfiguredObjectProvenance> root, Path file)
            throws IOException {
        writeConfig(root.getProvenance(), file);
    }

    /**
     * Writes the configuration recorded in provenance (e.g. a run's) as an OLCUT configuration file.
     *
     * @param provenance the provenance
     * @param file the target file ({@code .json} or {@code .xml})
     * @throws UserException for an unsupported extension
     * @throws IOException if it cannot be written
     */
    public static void writeConfig(ObjectProvenance provenance, Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String ext = name.endsWith(".json") ? "json" : name.endsWith(".xml") ? "xml" : null;
        if (ext == null) {
            throw new UserException("cannot write configuration " + file + ": the name must end in .json or .xml");
        }
        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(ProvenanceUtil.extractConfiguration(provenance));
        Path tmpDir = Files.createTempDirectory("ead4j-config-");
        try {
            Path tmp = tmpDir.resolve("config." + ext);
            cm.save(tmp.toFile(), true);
            byte[] bytes = Files.readAllBytes(tmp);
            AtomicFiles.write(file, bytes);
        } finally {
            AtomicFiles.deleteTree(tmpDir);
        }
    }

    // ------------------------------------------------------------------------------------------

    private enum Kind { PROVENANCE, JSON_CONFIG, XML_CONFIG }

    private static Kind detect(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new UserException("no such file: " + file);
        }
        org.ead4j.run.MemoryBudget.requireFileSize(file, "the configuration", org.ead4j.run.MemoryBudget.MAX_CONFIG_BYTES);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4096);
            int i = 0;
            if (head.length >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF) {
                i = 3; // UTF-8 byte order mark
            }
            while (i < head.length && Character.isWhitespace(head[i])) {
                i++;
            }
            if (i == head.length) {
                throw new UserException(file + " is empty: expected a provenance.json or an OLCUT JSON/XML configuration");
            }
            return switch (head[i]) {
                case '[' -> Kind.PROVENANCE;
                case '{' -> Kind.JSON_CONFIG;
                case '<' -> Kind.XML_CONFIG;
                default -> throw new UserException(file + " is neither JSON nor XML (it starts with '"
                        + (char) head[i] + "'): expected a provenance.json or an OLCUT JSON/XML configuration");
            };
        }
    }

    private static <T extends Configurable> T fromConfigBytes(byte[] content, String ext, Path source, Class<T> type)
            throws IOException {
        Path tmpDir = Files.createTempDirectory("ead4j-config-");
        Path tmp = tmpDir.resolve("config." + ext);
        try {
            Files.write(tmp, content);
            ConfigurationManager cm = new ConfigurationManager(tmp.toUri().toURL());
            return lookupRoot(cm, type, source.toString());
        } catch (PropertyException | ConfigLoaderException | IllegalArgumentException | IllegalStateException e) {
            String msg = String.valueOf(e.getMessage()).replace(tmp.toUri().toString(), source.toString())
                    .replace(tmp.toString(), source.toString()) + missingFile(e);
            throw new UserException(source + ": " + msg, e);
        } finally {
            AtomicFiles.deleteTree(tmpDir);
        }
    }

    /**
     * "; no such file: PATH" when a component failed because a file it names is missing (OLCUT's message then
     * shows only the path), else "".
     */
    private static String missingFile(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.file.NoSuchFileException nf) {
                return "; no such file: " + nf.getFile();
            }
        }
        return "";
    }

    /**
     * Finds the component of the wanted type that no other component references (the root); with
     * several candidates and no single root the error lists them.
     */
    private static <T extends Configurable> T lookupRoot(ConfigurationManager cm, Class<T> type, String source) {
        Set<String> names = instanceNames(cm, type, source);
        checkReferences(cm, source);
        if (names.isEmpty()) {
            List<String> all = new ArrayList<>();
            for (String n : new TreeSet<>(cm.getComponentNames())) {
                all.add(n + " (" + cm.getConfigurationData(n).map(ConfigurationData::getClassName).orElse("?") + ")");
            }
            String shown = all.size() <= 3 ? all.toString()
                    : all.subList(0, 3).toString().replaceFirst("]$", ", ... " + (all.size() - 3) + " more]");
            throw new UserException(source + " has no component of type " + type.getName() + "; it defines "
                    + (all.isEmpty() ? "no components" : shown));
        }
        String chosen;
        if (names.size() == 1) {
            chosen = names.iterator().next();
        } else {
            Set<String> referenced = referencedNames(cm);
            List<String> roots = names.stream().filter(n -> !referenced.contains(n)).toList();
            if (roots.size() != 1) {
                throw new UserException(source + " has " + names.size() + " components of type " + type.getName()
                        + " " + names + " and " + (roots.isEmpty() ? "none" : roots.size()) + " of them "
                        + "unreferenced by others; keep exactly one root component of that type");
            }
            chosen = roots.get(0);
        }
        return type.cast(cm.lookup(chosen));
    }

    /** Components whose class is (a subtype of) {@code type}; classes are loaded without initialising them. */
    private static Set<String> instanceNames(ConfigurationManager cm, Class<?> type, String source) {
        Set<String> out = new TreeSet<>();
        ClassLoader loader = Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : ExperimentConfigs.class.getClassLoader();
        for (String n : cm.getComponentNames()) {
            String cls = cm.getConfigurationData(n).map(ConfigurationData::getClassName).orElse(null);
            if (cls == null) {
                continue;
            }
            try {
                if (type.isAssignableFrom(Class.forName(cls, false, loader))) {
                    out.add(n);
                }
            } catch (ClassNotFoundException | LinkageError e) {
                throw new UserException(source + ": component '" + n + "' has the unknown class '" + cls
                        + "' (not on the classpath; check the spelling of its type)", e);
            }
        }
        return out;
    }

    /**
     * Checks the references between components before OLCUT follows them: a component-valued property
     * must name a defined component (OLCUT's error would not say which property), and references may not
     * form a cycle (e.g. a component naming itself as its schedule: OLCUT 5.3.1 recurses until the stack
     * overflows).
     */
    private static void checkReferences(ConfigurationManager cm, String source) {
        Map<String, Map<String, String>> edges = new TreeMap<>(); // component -> (referenced component -> property)
        for (String n : cm.getComponentNames()) {
            ConfigurationData cd = cm.getConfigurationData(n).orElse(null);
            if (cd == null) {
                continue;
            }
            Map<String, String> out = new TreeMap<>();
            Class<?> cls = loadQuietly(cd.getClassName());
            for (Map.Entry<String, Property> e : cd.getProperties().entrySet()) {
                checkKind(cls, n, e.getKey(), e.getValue(), source);
                if (cls != null && !holdsComponents(cls, e.getKey())) {
                    continue;
                }
                for (String v : values(e.getValue())) {
                    if (cm.getComponentNames().contains(v)) {
                        out.put(v, e.getKey());
                    } else if (cls != null && !v.startsWith("${")) {
                        throw new UserException(source + ": component '" + n + "', property '" + e.getKey()
                                + "' names the component '" + v + "', which is not defined; components: "
                                + new TreeSet<>(cm.getComponentNames()));
                    }
                }
            }
            edges.put(n, out);
        }
        Map<String, Integer> state = new HashMap<>(); // 1 = on the current path, 2 = done
        for (String start : edges.keySet()) {
            Deque<String> path = new ArrayDeque<>();
            findCycle(start, edges, state, path, source);
        }
    }

    private static void findCycle(String n, Map<String, Map<String, String>> edges, Map<String, Integer> state,
                                  Deque<String> path, String source) {
        Integer s = state.get(n);
        if (s != null && s == 2) {
            return;
        }
        if (s != null && s == 1) {
            List<String> cycle = new ArrayList<>(path);
            Collections.reverse(cycle);
            cycle = cycle.subList(cycle.indexOf(n), cycle.size());
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cycle.size(); i++) {
                String from = cycle.get(i);
                String to = i + 1 < cycle.size() ? cycle.get(i + 1) : n;
                sb.append(from).append('.').append(edges.get(from).get(to)).append(" -> ");
            }
            throw new UserException(source + ": components reference each other in a cycle: " + sb + n
                    + "; a component cannot contain itself");
        }
        state.put(n, 1);
        path.push(n);
        for (String next : edges.getOrDefault(n, Map.of()).keySet()) {
            findCycle(next, edges, state, path, source);
        }
        path.pop();
        state.put(n, 2);
    }

    /**
     * A list where a single value goes, or the reverse, named before OLCUT would fail with a cast error:
     * collection and array fields take a JSON list, every other field a single value.
     */
    private static void checkKind(Class<?> cls, String component, String property, Property value, String source) {
        if (cls == null) {
            return;
        }
        for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
            java.lang.reflect.Field f;
            try {
                f = c.getDeclaredField(property);
            } catch (NoSuchFieldException e) {
                continue;
            }
            boolean many = f.getType().isArray() || java.util.Collection.class.isAssignableFrom(f.getType());
            boolean map = Map.class.isAssignableFrom(f.getType());
            if (many && value instanceof SimpleProperty s) {
                throw new UserException(source + ": component '" + component + "', property '" + property + "' = '"
                        + shorten(s.getValue()) + "' must be a list (a JSON array such as [\"a\", \"b\"])");
            }
            if (!many && !map && value instanceof ListProperty) {
                throw new UserException(source + ": component '" + component + "', property '" + property
                        + "' must be a single value, not a list");
            }
            return;
        }
    }

    private static String shorten(String s) {
        return s == null ? "" : s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }

    /** Whether the {@code @Config} field named {@code field} can hold components (directly or in a collection). */
    private static boolean holdsComponents(Class<?> cls, String field) {
        for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
            try {
                java.lang.reflect.Field f = c.getDeclaredField(field);
                if (Configurable.class.isAssignableFrom(f.getType())
                        || (f.getType().isArray() && Configurable.class.isAssignableFrom(f.getType().getComponentType()))) {
                    return true;
                }
                if (f.getGenericType() instanceof java.lang.reflect.ParameterizedType pt) {
                    for (java.lang.reflect.Type t : pt.getActualTypeArguments()) {
                        if (t instanceof Class<?> tc && Configurable.class.isAssignableFrom(tc)) {
                            return true;
                        }
                    }
                }
                return false;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        return false;
    }

    private static Class<?> loadQuietly(String className) {
        try {
            return Class.forName(className, false, ExperimentConfigs.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static List<String> values(Property p) {
        if (p instanceof SimpleProperty s) {
            return List.of(s.getValue());
        } else if (p instanceof ListProperty l) {
            return l.getSimpleList().stream().map(SimpleProperty::getValue).toList();
        } else if (p instanceof MapProperty m) {
            return m.getMap().values().stream().map(SimpleProperty::getValue).toList();
        }
        return List.of();
    }

    private static Set<String> referencedNames(ConfigurationManager cm) {
        Set<String> components = new HashSet<>(cm.getComponentNames());
        Set<String> out = new HashSet<>();
        for (String n : components) {
            ConfigurationData cd = cm.getConfigurationData(n).orElse(null);
            if (cd == null) {
                continue;
            }
            for (Property p : cd.getProperties().values()) {
                values(p).stream().filter(components::contains).forEach(out::add);
            }
        }
        return out;
    }
}
