package org.ead4j.provenance;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import org.ead4j.cli.UserException;
import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Which Java classes a provenance or configuration file may name. Such files name classes that OLCUT
 * loads and instantiates by reflection (components, provenance records, enums), so a crafted file
 * could otherwise run arbitrary code (e.g. {@code java.lang.ProcessBuilder}). Every file is scanned
 * with this list <em>before</em> any class is loaded; a class outside it is refused with an error
 * naming the class, where it appears and the file.
 *
 * <p>Rules (prefix matches on binary class names, which must be plain dotted Java names):
 * <ul>
 *   <li><b>Component classes</b> (what gets instantiated as a configured object: a config file's
 *       component {@code type} and list {@code type} entries, a provenance file's
 *       {@code object-class-name}, {@code class-name} values and enum classes): {@code org.ead4j.}
 *       plus any package added with {@link #withComponentPackages} or the system property
 *       {@value #EXTRA_PACKAGES_PROPERTY} (comma-separated, e.g. {@code com.example.rl.}).</li>
 *   <li><b>Provenance classes</b> ({@code provenance-class} and {@code marshalled-class}):
 *       {@code com.oracle.labs.mlrg.olcut.provenance.} (OLCUT's primitives, lists, maps, configured
 *       objects and marshalled forms), {@code org.tribuo.provenance.} and {@code org.ead4j.}.</li>
 *   <li>Features that load code or data outside the scanned file are refused outright: OLCUT
 *       serialized objects (Java deserialization), imports of other configuration files, and XML
 *       DOCTYPE declarations (external entities).</li>
 * </ul>
 */
public final class ClassAllowlist {

    /** System property with extra component packages (comma-separated prefixes ending in '.'). */
    public static final String EXTRA_PACKAGES_PROPERTY = "ead4j.allowlist.packages";

    /** Packages whose classes may be instantiated as components. */
    public static final List<String> DEFAULT_COMPONENT_PACKAGES = List.of("org.ead4j.");

    /** Packages whose classes may be instantiated as provenance records. */
    public static final List<String> DEFAULT_PROVENANCE_PACKAGES = List.of(
            "com.oracle.labs.mlrg.olcut.provenance.", "org.tribuo.provenance.", "org.ead4j.");

    private static final Pattern BINARY_NAME =
            Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
    private static final Pattern PACKAGE_PREFIX =
            Pattern.compile("([A-Za-z_$][A-Za-z0-9_$]*\\.)+");
    private static final String ENUM_PROVENANCE = "com.oracle.labs.mlrg.olcut.provenance.primitives.EnumProvenance";

    private final List<String> componentPackages;
    private final List<String> provenancePackages;

    private ClassAllowlist(List<String> componentPackages, List<String> provenancePackages) {
        this.componentPackages = List.copyOf(componentPackages);
        this.provenancePackages = List.copyOf(provenancePackages);
    }

    /**
     * The default list plus the packages in the system property {@value #EXTRA_PACKAGES_PROPERTY}.
     *
     * @return the allowlist
     */
    public static ClassAllowlist defaults() {
        ClassAllowlist a = new ClassAllowlist(DEFAULT_COMPONENT_PACKAGES, DEFAULT_PROVENANCE_PACKAGES);
        String extra = System.getProperty(EXTRA_PACKAGES_PROPERTY, "").trim();
        if (!extra.isEmpty()) {
            a = a.withComponentPackages(extra.split("\\s*,\\s*"));
        }
        return a;
    }

    /**
     * An allowlist with exactly the given packages (no system property), e.g. a narrower one.
     *
     * @param componentPackages packages whose classes may be instantiated as components
     * @param provenancePackages packages whose classes may be instantiated as provenance records
     * @return the allowlist
     */
    public static ClassAllowlist of(List<String> componentPackages, List<String> provenancePackages) {
        ClassAllowlist a = new ClassAllowlist(List.of(), provenancePackages);
        return a.withComponentPackages(componentPackages.toArray(new String[0]));
    }

    /**
     * A copy that also allows components from the given packages.
     *
     * @param packages package prefixes ending in '.', e.g. {@code com.example.rl.}
     * @return the extended allowlist
     */
    public ClassAllowlist withComponentPackages(String... packages) {
        Set<String> c = new LinkedHashSet<>(componentPackages);
        for (String p : packages) {
            if (!PACKAGE_PREFIX.matcher(p).matches() || p.startsWith("java.") || p.startsWith("javax.")
                    || p.startsWith("jdk.") || p.startsWith("sun.")) {
                throw new IllegalArgumentException("allowlist package '" + p + "' is invalid: give a package "
                        + "prefix ending in '.', e.g. com.example.rl. (JDK packages cannot be allowed)");
            }
            c.add(p);
        }
        return new ClassAllowlist(new ArrayList<>(c), provenancePackages);
    }

    /** @return the packages whose classes may be instantiated as components */
    public List<String> componentPackages() {
        return componentPackages;
    }

    /** @return the packages whose classes may be instantiated as provenance records */
    public List<String> provenancePackages() {
        return provenancePackages;
    }

    /**
     * Whether a class may be instantiated as a configured component.
     *
     * @param className binary class name
     * @return true if allowed
     */
    public boolean allowsComponent(String className) {
        return matches(className, componentPackages);
    }

    /**
     * Whether a class may be instantiated as a provenance record.
     *
     * @param className binary class name
     * @return true if allowed
     */
    public boolean allowsProvenance(String className) {
        return matches(className, provenancePackages);
    }

    private static boolean matches(String className, List<String> packages) {
        if (className == null || !BINARY_NAME.matcher(className).matches()) {
            return false;
        }
        for (String p : packages) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- provenance files (OLCUT JSON)

    /**
     * Scans a parsed OLCUT provenance JSON document (the list of marshalled objects).
     *
     * @param root the parsed document
     * @param source the file, for messages
     * @throws UserException naming the first refused class, where it is and the file
     */
    public void checkProvenanceJson(JsonNode root, Path source) {
        if (!root.isArray()) {
            throw new UserException(source + " is not an OLCUT provenance file: expected a JSON list of "
                    + "marshalled provenance objects, found " + (root.isObject() ? "an object" : "a " + root.getNodeType().toString().toLowerCase()));
        }
        walkProvenance(root, "$", source);
    }

    private void walkProvenance(JsonNode node, String path, Path source) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walkProvenance(node.get(i), path + "[" + i + "]", source);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        checkField(node, "marshalled-class", path, source, false);
        String provClass = checkField(node, "provenance-class", path, source, false);
        checkField(node, "object-class-name", path, source, true);
        JsonNode key = node.get("key");
        if (key != null && "class-name".equals(key.asText()) && node.has("value")) {
            checkField(node, "value", path, source, true);
        }
        if (ENUM_PROVENANCE.equals(provClass) && node.has("additional")) {
            checkField(node, "additional", path, source, true); // the enum's class, loaded to rebuild the value
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            // the loader finds a component's class by the map key "class-name", whatever the entry's own "key"
            // field says: check it the same way
            if ("class-name".equals(e.getKey()) && e.getValue().isObject() && e.getValue().has("value")) {
                checkField(e.getValue(), "value", path + ".class-name", source, true);
            }
            if (e.getValue().isContainerNode()) {
                walkProvenance(e.getValue(), path + "." + e.getKey(), source);
            }
        }
    }

    private String checkField(JsonNode node, String field, String path, Path source, boolean component) {
        JsonNode v = node.get(field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw new UserException("refusing to load " + source + ": " + path + "." + field
                    + " must be a class name string, found " + v);
        }
        check(v.textValue(), path + "." + field, source, component);
        return v.textValue();
    }

    // ---------------------------------------------------------------- OLCUT configuration files

    /**
     * Scans a parsed OLCUT JSON configuration document ({@code {"config": {...}}}).
     *
     * @param root the parsed document
     * @param source the file, for messages
     * @throws UserException naming the first refused class or feature, where it is and the file
     */
    public void checkConfigJson(JsonNode root, Path source) {
        JsonNode config = root.get("config");
        if (config == null || !config.isObject()) {
            return; // not a configuration; the loader reports the structure error
        }
        for (String refused : new String[]{"serialized-objects", "config-files"}) {
            if (config.has(refused)) {
                throw new UserException("refusing to load " + source + ": config." + refused + " is not supported ("
                        + (refused.equals("config-files")
                        ? "imports of other files bypass the class allowlist; put every component in one file)"
                        : "serialized objects are Java deserialization, which can run arbitrary code)"));
            }
        }
        JsonNode comps = config.get("components");
        if (comps == null || !comps.isArray()) {
            return;
        }
        for (int i = 0; i < comps.size(); i++) {
            JsonNode c = comps.get(i);
            String path = "config.components[" + i + "]";
            if (!c.isObject()) {
                continue;
            }
            String name = c.path("name").asText("?");
            if (c.has("serialized")) {
                throw new UserException("refusing to load " + source + ": component '" + name
                        + "' uses 'serialized', which is Java deserialization and can run arbitrary code");
            }
            JsonNode type = c.get("type");
            if (type != null) {
                if (!type.isTextual()) {
                    throw new UserException("refusing to load " + source + ": " + path + ".type of component '"
                            + name + "' must be a class name string, found " + type);
                }
                check(type.textValue(), path + ".type (component '" + name + "')", source, true);
            }
            JsonNode props = c.get("properties");
            if (props != null && props.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> p = it.next();
                    if (!p.getValue().isArray()) {
                        continue;
                    }
                    for (JsonNode el : p.getValue()) {
                        JsonNode t = el.isObject() ? el.get("type") : null;
                        if (t != null) {
                            check(t.asText(), path + ".properties." + p.getKey() + " list type (component '"
                                    + name + "')", source, true);
                        }
                    }
                }
            }
        }
    }

    /**
     * Scans an OLCUT XML configuration file with a hardened parser (no DOCTYPE, no external entities):
     * component {@code type}s, list {@code <type>} entries and every class-valued attribute
     * ({@code type}, {@code class}, {@code class-name}); refuses {@code <serialized>} and {@code <file>}.
     *
     * @param file the file
     * @throws UserException for a refused class or feature, or malformed XML (with its line)
     * @throws IOException if the file cannot be read
     */
    public void checkConfigXml(Path file) throws IOException {
        checkConfigXml(Files.readAllBytes(file), file);
    }

    /**
     * Scans the bytes of an OLCUT XML configuration (load these same bytes afterwards, not the file again,
     * so the file cannot change between the check and the load).
     *
     * @param content the XML bytes
     * @param file the file they came from, for messages
     * @throws UserException for a refused class or feature, or malformed XML (with its line)
     * @throws IOException if the bytes cannot be parsed for an I/O reason
     */
    public void checkConfigXml(byte[] content, Path file) throws IOException {
        SAXParserFactory f = SAXParserFactory.newInstance();
        try {
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setNamespaceAware(false);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("the XML parser cannot be hardened", e);
        }
        XmlScan handler = new XmlScan(file);
        try (InputStream in = new java.io.ByteArrayInputStream(content)) {
            f.newSAXParser().parse(in, handler);
        } catch (SAXParseException e) {
            String msg = e.getMessage();
            if (msg != null && msg.contains("DOCTYPE")) {
                msg = "DOCTYPE declarations are not allowed (external entities can read files)";
            }
            throw new UserException(file + ": malformed or refused XML at line " + e.getLineNumber() + ", column "
                    + e.getColumnNumber() + ": " + msg, e);
        } catch (SAXException e) {
            throw new UserException(file + ": malformed XML: " + e.getMessage(), e);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Collects class names from an OLCUT XML configuration. */
    private final class XmlScan extends DefaultHandler {
        private final Path file;
        private Locator locator;
        private String component = "?";
        private StringBuilder typeText;

        XmlScan(Path file) {
            this.file = file;
        }

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
        }

        private String where() {
            return "line " + (locator == null ? "?" : locator.getLineNumber());
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes atts) {
            switch (qName) {
                case "serialized" -> throw new UserException("refusing to load " + file + ": <serialized> at "
                        + where() + " is Java deserialization, which can run arbitrary code");
                case "file" -> throw new UserException("refusing to load " + file + ": <file> at " + where()
                        + " imports another configuration file, which bypasses the class allowlist; "
                        + "put every component in one file");
                case "component" -> {
                    component = atts.getValue("name") == null ? "?" : atts.getValue("name");
                    if (atts.getValue("serialized") != null) {
                        throw new UserException("refusing to load " + file + ": component '" + component + "' at "
                                + where() + " uses 'serialized', which is Java deserialization");
                    }
                }
                case "type" -> typeText = new StringBuilder();
                default -> {
                }
            }
            for (int i = 0; i < atts.getLength(); i++) {
                String a = atts.getQName(i);
                if (a.equals("type") || a.equals("class") || a.equals("class-name")) {
                    check(atts.getValue(i).trim(), "<" + qName + " " + a + "=...> of component '" + component
                            + "' at " + where(), file, true);
                }
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (typeText != null) {
                typeText.append(ch, start, length);
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            if (qName.equals("type") && typeText != null) {
                check(typeText.toString().trim(), "<type> in a propertylist of component '" + component + "' at "
                        + where(), file, true);
                typeText = null;
            }
        }
    }

    // ---------------------------------------------------------------- shared

    private void check(String className, String where, Path source, boolean component) {
        boolean ok = component ? allowsComponent(className) : allowsProvenance(className);
        if (!ok) {
            List<String> allowed = component ? componentPackages : provenancePackages;
            String kind = component ? "component" : "provenance";
            String shown = className.length() > 80 ? className.substring(0, 77) + "..." : className;
            String at = where.length() > 60 ? "..." + where.substring(where.length() - 57) : where;
            throw new UserException("refusing to load " + source + ": class '" + shown + "' at " + at + " is not on the "
                    + kind + " allowlist " + allowed + (component ? " (add packages with -D" + EXTRA_PACKAGES_PROPERTY
                    + "=com.example.)" : ""));
        }
    }

    /**
     * Parses a JSON file with duplicate-key detection, turning syntax errors into a message with the line.
     *
     * @param file the file
     * @return the parsed document
     * @throws UserException for malformed JSON or a missing file
     * @throws IOException if the file cannot be read
     */
    static JsonNode parseJson(Path file) throws IOException {
        try {
            return parseJson(Files.readAllBytes(file), file);
        } catch (NoSuchFileException e) {
            throw new UserException("no such file: " + file, e);
        }
    }

    /**
     * Parses JSON bytes with duplicate-key detection, turning syntax errors into a message with the line.
     *
     * @param content the bytes
     * @param file the file they came from, for messages
     * @return the parsed document
     * @throws UserException for malformed JSON
     * @throws IOException if the bytes cannot be parsed for an I/O reason
     */
    static JsonNode parseJson(byte[] content, Path file) throws IOException {
        ObjectMapper om = new ObjectMapper();
        om.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        try {
            JsonNode n = om.readTree(content);
            if (n == null || n.isMissingNode()) {
                throw new UserException(file + " is empty: expected JSON");
            }
            return n;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new UserException(file + ": malformed JSON" + (loc == null ? "" : " at line " + loc.getLineNr()
                    + ", column " + loc.getColumnNr()) + ": " + e.getOriginalMessage(), e);
        }
    }
}
