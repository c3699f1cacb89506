package org.ead4j.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * One record of a JSONL file, with typed field access whose errors name the file, the line, the
 * field and the value's JSON type.
 */
public final class JsonlLine {

    private final Path file;
    private final int number;
    private final ObjectNode object;

    JsonlLine(Path file, int number, ObjectNode object) {
        this.file = file;
        this.number = number;
        this.object = object;
    }

    /** @return the 1-based line number */
    public int number() {
        return number;
    }

    /** @return the parsed JSON object */
    public ObjectNode object() {
        return object;
    }

    /**
     * An error about this line.
     *
     * @param what what is wrong
     * @return the exception to throw
     */
    public JsonlFormatException error(String what) {
        return new JsonlFormatException(file, number, what);
    }

    /**
     * A required string field.
     *
     * @param field the field name
     * @return its value, possibly empty
     * @throws JsonlFormatException if it is missing or not a string
     */
    public String requiredString(String field) {
        JsonNode n = require(field);
        if (!n.isTextual()) {
            throw error("field '" + field + "' must be a string, got " + describe(n));
        }
        return n.textValue();
    }

    /**
     * An optional string field; JSON null counts as absent.
     *
     * @param field the field name
     * @return its value, or null when absent
     * @throws JsonlFormatException if it is present and not a string
     */
    public String optionalString(String field) {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw error("field '" + field + "' must be a string, got " + describe(n));
        }
        return n.textValue();
    }

    /**
     * A required identifier: a string or an integer (written as its decimal digits).
     *
     * @param field the field name
     * @return the identifier text, possibly empty
     * @throws JsonlFormatException if it is missing or neither a string nor an integer
     */
    public String requiredId(String field) {
        JsonNode n = require(field);
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isIntegralNumber()) {
            return n.bigIntegerValue().toString();
        }
        throw error("field '" + field + "' must be a string or an integer, got " + describe(n));
    }

    /**
     * A string or number field, the number kept as written (integers exactly, decimals via BigDecimal).
     *
     * @param field the field name
     * @param required whether the field must be present
     * @return the text, or null when absent (or JSON null) and not required
     * @throws JsonlFormatException if it is missing but required, or of another type
     */
    public String stringOrNumber(String field, boolean required) {
        JsonNode n = required ? require(field) : object.get(field);
        if (n == null || n.isNull() && !required) {
            return null;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isIntegralNumber()) {
            return n.bigIntegerValue().toString();
        }
        if (n.isNumber()) {
            return n.decimalValue().toPlainString();
        }
        throw error("field '" + field + "' must be a string or a number, got " + describe(n));
    }

    /**
     * An optional finite number field; JSON null counts as absent.
     *
     * @param field the field name
     * @return its value, or null when absent
     * @throws JsonlFormatException if it is present and not a finite number
     */
    public Double optionalNumber(String field) {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw error("field '" + field + "' must be a number, got " + describe(n));
        }
        double v = n.doubleValue();
        if (!Double.isFinite(v)) {
            throw error("field '" + field + "' = " + n + " is not a finite double");
        }
        return v;
    }

    /**
     * An optional boolean field (also 0 or 1); JSON null counts as absent.
     *
     * @param field the field name
     * @return its value, or null when absent
     * @throws JsonlFormatException if it is present and neither a boolean nor 0/1
     */
    public Boolean optionalBoolean(String field) {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber() && (n.intValue() == 0 || n.intValue() == 1) && n.canConvertToInt()) {
            return n.intValue() == 1;
        }
        throw error("field '" + field + "' must be true/false (or 1/0), got " + describe(n));
    }

    private JsonNode require(String field) {
        JsonNode n = object.get(field);
        if (n == null) {
            throw error("missing field '" + field + "' (fields present: " + fieldNames() + ")");
        }
        if (n.isNull()) {
            throw error("field '" + field + "' must not be null");
        }
        return n;
    }

    private String fieldNames() {
        StringBuilder sb = new StringBuilder();
        object.fieldNames().forEachRemaining(f -> sb.append(sb.length() == 0 ? "" : ", ").append(f));
        return sb.length() == 0 ? "none" : sb.toString();
    }

    /** A JSON value's type and a short rendering, e.g. {@code boolean true}. */
    static String describe(JsonNode n) {
        String text = n.toString();
        if (text.length() > 40) {
            text = text.substring(0, 37) + "...";
        }
        String type = switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case BOOLEAN -> "a boolean";
            case NUMBER -> "a number";
            case STRING -> "a string";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
        return n.isNull() ? "null" : type + " " + text;
    }
}
