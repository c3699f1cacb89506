package org.ead4j.tokenizer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the two pieces of Python Jinja syntax that real chat templates use and jinjava cannot
 * parse, into equivalent jinjava syntax, leaving everything else byte for byte:
 * <ul>
 *   <li>{@code x[::-1]} (Qwen3: {@code for message in messages[::-1]}) becomes {@code (x|reverse)};</li>
 *   <li>a keyword argument whose value holds a filter or an operator, {@code namespace(a=xs|length - 1)}
 *       (Qwen3), becomes {@code namespace(a=(xs|length - 1))}: jinjava would bind {@code a=xs|length}
 *       first.</li>
 * </ul>
 * Only the insides of {@code {{ }}} and {@code {% %}} tags are touched, and never string literals.
 */
final class JinjaSource {

    private static final Pattern TAG = Pattern.compile("\\{\\{.*?}}|\\{%.*?%}", Pattern.DOTALL);

    private JinjaSource() {
    }

    /**
     * Rewrites a template.
     *
     * @param template Jinja source
     * @return the source jinjava renders the same way
     */
    static String rewrite(String template) {
        Matcher m = TAG.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 64);
        int last = 0;
        while (m.find()) {
            out.append(template, last, m.start());
            out.append(rewriteTag(m.group()));
            last = m.end();
        }
        out.append(template, last, template.length());
        return out.toString();
    }

    /** Rewrites one tag, tracking string literals and bracket nesting. */
    static String rewriteTag(String tag) {
        StringBuilder out = new StringBuilder(tag.length() + 16);
        // per open bracket: its character, and whether a keyword value opened inside it still needs ')'
        StringBuilder brackets = new StringBuilder();
        StringBuilder kwargOpen = new StringBuilder();
        int i = 0;
        int n = tag.length();
        while (i < n) {
            char c = tag.charAt(i);
            if (c == '\'' || c == '"') {
                int j = i + 1;
                while (j < n && tag.charAt(j) != c) {
                    j += tag.charAt(j) == '\\' ? 2 : 1;
                }
                j = Math.min(j + 1, n);
                out.append(tag, i, j);
                i = j;
                continue;
            }
            if (c == '[' && tag.startsWith("[::-1]", i)) {
                // wrap the primary before it: walk back over the identifier/attribute/call chain already written
                int start = primaryStart(out);
                out.insert(start, '(');
                out.append("|reverse)");
                i += "[::-1]".length();
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                brackets.append(c);
                kwargOpen.append('0');
                out.append(c);
                i++;
                continue;
            }
            if ((c == ')' || c == ']' || c == '}') && brackets.length() > 0) {
                closeKwarg(out, kwargOpen);
                brackets.setLength(brackets.length() - 1);
                kwargOpen.setLength(kwargOpen.length() - 1);
                out.append(c);
                i++;
                continue;
            }
            if (c == ',' && brackets.length() > 0) {
                closeKwarg(out, kwargOpen);
                out.append(c);
                i++;
                continue;
            }
            if (c == '=' && brackets.length() > 0 && brackets.charAt(brackets.length() - 1) == '('
                    && isKeywordEquals(tag, i)) {
                out.append("=(");
                kwargOpen.setCharAt(kwargOpen.length() - 1, '1');
                i++;
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static void closeKwarg(StringBuilder out, StringBuilder kwargOpen) {
        int top = kwargOpen.length() - 1;
        if (top >= 0 && kwargOpen.charAt(top) == '1') {
            out.append(')');
            kwargOpen.setCharAt(top, '0');
        }
    }

    /** A lone '=' right after an identifier: not ==, !=, <=, >=. */
    private static boolean isKeywordEquals(String s, int i) {
        if (i + 1 < s.length() && s.charAt(i + 1) == '=') {
            return false;
        }
        int j = i - 1;
        while (j >= 0 && s.charAt(j) == ' ') {
            j--;
        }
        if (j < 0 || "=!<>".indexOf(s.charAt(j)) >= 0 || !Character.isJavaIdentifierPart(s.charAt(j))) {
            return false;
        }
        return true;
    }

    /** Start of the trailing primary expression in out: identifiers, dots, and balanced (...) / [...]. */
    private static int primaryStart(StringBuilder out) {
        int j = out.length() - 1;
        while (j >= 0) {
            char c = out.charAt(j);
            if (c == ')' || c == ']') {
                char open = c == ')' ? '(' : '[';
                int depth = 0;
                while (j >= 0) {
                    char d = out.charAt(j);
                    if (d == c) {
                        depth++;
                    } else if (d == open && --depth == 0) {
                        break;
                    }
                    j--;
                }
                j--;
            } else if (Character.isJavaIdentifierPart(c) || c == '.') {
                j--;
            } else {
                break;
            }
        }
        return j + 1;
    }
}
