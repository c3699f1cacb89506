package org.ead4j.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.ead4j.cli.UserException;

/**
 * Checks the structure of a hand-written OLCUT JSON configuration and rewrites it into the strict form
 * OLCUT 5.3.1's loader accepts. The loader silently ignores misspelt sections, and a number or boolean
 * property value ({@code "steps": 5}) makes it fail with a NullPointerException; here such values
 * become strings ({@code "5"}), a list of plain values becomes a list of {@code {"item": ...}}, and
 * every structural mistake is reported with the component and property it concerns.
 */
final class JsonConfigNormaliser {

    private static final Set<String> CONFIG_KEYS = Set.of("components", "global-properties");
    private static final Set<String> COMPONENT_KEYS = Set.of("name", "type", "inherit", "properties", "export",
            "import", "leasetime");

    private JsonConfigNormaliser() {
    }

    /**
     * Validates and normalises a configuration document.
     *
     * @param root the parsed document
     * @param source the file, for messages
     * @return the normalised document
     * @throws UserException naming the section, component and property of the first mistake
     */
    static ObjectNode normalise(JsonNode root, Path source) {
        if (!root.isObject() || root.size() != 1 || !root.has("config") || !root.get("config").isObject()) {
            throw new UserException(source + ": an OLCUT JSON configuration is {\"config\": {\"components\": "
                    + "[...]}}; found top-level " + describeKeys(root));
        }
        JsonNode config = root.get("config");
        for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!CONFIG_KEYS.contains(k)) {
                throw new UserException(source + ": unknown section config." + k + " (allowed: " + CONFIG_KEYS + ")");
            }
        }
        ObjectNode outConfig = JsonNodeFactory.instance.objectNode();
        JsonNode globals = config.get("global-properties");
        if (globals != null) {
            outConfig.set("global-properties", stringMap(globals, source, "config.global-properties"));
        }
        JsonNode comps = config.get("components");
        if (comps == null || !comps.isArray() || comps.isEmpty()) {
            throw new UserException(source + ": config.components must be a non-empty list of components "
                    + "{\"name\": ..., \"type\": \"org.ead4j....\", \"properties\": {...}}");
        }
        ArrayNode outComps = outConfig.putArray("components");
        for (int i = 0; i < comps.size(); i++) {
            outComps.add(component(comps.get(i), i, source));
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("config", outConfig);
        return out;
    }

    private static ObjectNode component(JsonNode c, int index, Path source) {
        String where = "config.components[" + index + "]";
        if (!c.isObject()) {
            throw new UserException(source + ": " + where + " must be an object, found " + c);
        }
        JsonNode nameNode = c.get("name");
        if (nameNode == null || !nameNode.isTextual() || nameNode.textValue().isBlank()) {
            throw new UserException(source + ": " + where + " needs a \"name\" (a string)");
        }
        String name = nameNode.textValue();
        String comp = "component '" + name + "' (" + where + ")";
        for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!COMPONENT_KEYS.contains(k)) {
                throw new UserException(source + ": " + comp + " has an unknown key \"" + k + "\" (allowed: "
                        + COMPONENT_KEYS + ")");
            }
        }
        if (!c.has("type") && !c.has("inherit")) {
            throw new UserException(source + ": " + comp + " needs a \"type\" (its Java class) or \"inherit\"");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("properties")) {
                continue;
            }
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new UserException(source + ": " + comp + ": \"" + e.getKey() + "\" must be a string, found "
                        + e.getValue());
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        JsonNode props = c.get("properties");
        if (props != null) {
            if (!props.isObject()) {
                throw new UserException(source + ": " + comp + ": \"properties\" must be an object of "
                        + "property name to value, found " + props);
            }
            ObjectNode outProps = out.putObject("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                outProps.set(e.getKey(), property(e.getValue(), source, comp, e.getKey()));
            }
        }
        return out;
    }

    private static JsonNode property(JsonNode v, Path source, String comp, String prop) {
        String where = source + ": " + comp + ", property '" + prop + "'";
        if (v.isNull()) {
            throw new UserException(where + " is null: remove it to use the default");
        }
        if (v.isValueNode()) {
            return JsonNodeFactory.instance.textNode(v.asText());
        }
        if (v.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (JsonNode el : v) {
                if (el.isValueNode() && !el.isNull()) {
                    out.addObject().put("item", el.asText());
                } else if (el.isObject() && el.size() == 1 && (el.has("item") || el.has("type"))
                        && el.elements().next().isValueNode() && !el.elements().next().isNull()) {
                    String key = el.fieldNames().next();
                    out.addObject().put(key, el.get(key).asText());
                } else {
                    throw new UserException(where + ": list elements must be values, {\"item\": value} or "
                            + "{\"type\": class}, found " + el);
                }
            }
            return out;
        }
        return stringMap(v, source, comp + ", property '" + prop + "'");
    }

    private static ObjectNode stringMap(JsonNode v, Path source, String where) {
        if (!v.isObject()) {
            throw new UserException(source + ": " + where + " must be an object of names to values, found " + v);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new UserException(source + ": " + where + ", entry '" + e.getKey()
                        + "' must be a value (string or number), found " + e.getValue());
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static String describeKeys(JsonNode n) {
        if (!n.isObject()) {
            return "a " + n.getNodeType().toString().toLowerCase();
        }
        StringBuilder sb = new StringBuilder("keys [");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            sb.append(it.next()).append(it.hasNext() ? ", " : "");
        }
        return sb.append("]").toString();
    }
}
