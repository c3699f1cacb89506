package org.ead4j.tokenizer;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's {@code str} methods for jinjava, which otherwise only knows Java's: chat templates call
 * {@code content.startswith('<tool_response>')}, {@code content.split('</think>')[-1].lstrip('\n')},
 * {@code text.strip()} and the like. Each method follows Python's semantics (Python's {@code split}
 * keeps trailing empty parts, Java's drops them). Methods it does not know fall through to jinjava.
 */
final class PythonStrings extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String s) || method == null) {
            return null;
        }
        Object[] a = params == null ? new Object[0] : params;
        Object result = call(s, method.toString(), a);
        if (result != NOT_HANDLED) {
            context.setPropertyResolved(true);
            return result;
        }
        return null;
    }

    private static final Object NOT_HANDLED = new Object();

    private static Object call(String s, String name, Object[] a) {
        switch (name) {
            case "startswith":
                return a.length == 1 ? anyMatch(a[0], s::startsWith) : NOT_HANDLED;
            case "endswith":
                return a.length == 1 ? anyMatch(a[0], s::endsWith) : NOT_HANDLED;
            case "strip":
                return a.length <= 1 ? rstrip(lstrip(s, chars(a)), chars(a)) : NOT_HANDLED;
            case "lstrip":
                return a.length <= 1 ? lstrip(s, chars(a)) : NOT_HANDLED;
            case "rstrip":
                return a.length <= 1 ? rstrip(s, chars(a)) : NOT_HANDLED;
            case "split":
                return a.length <= 2 ? split(s, a.length > 0 ? (String) a[0] : null,
                        a.length > 1 ? ((Number) a[1]).intValue() : -1) : NOT_HANDLED;
            case "upper":
                return a.length == 0 ? s.toUpperCase(java.util.Locale.ROOT) : NOT_HANDLED;
            case "lower":
                return a.length == 0 ? s.toLowerCase(java.util.Locale.ROOT) : NOT_HANDLED;
            case "replace":
                if (a.length == 2) {
                    return s.replace(String.valueOf(a[0]), String.valueOf(a[1]));
                }
                return NOT_HANDLED;
            case "find":
                return a.length == 1 ? (long) s.indexOf(String.valueOf(a[0])) : NOT_HANDLED;
            default:
                return NOT_HANDLED;
        }
    }

    private static boolean anyMatch(Object prefixes, java.util.function.Predicate<String> test) {
        if (prefixes instanceof Iterable<?> it) {
            for (Object o : it) {
                if (test.test(String.valueOf(o))) {
                    return true;
                }
            }
            return false;
        }
        return test.test(String.valueOf(prefixes));
    }

    /** The characters to strip; null means whitespace. */
    private static String chars(Object[] a) {
        return a.length == 0 || a[0] == null ? null : String.valueOf(a[0]);
    }

    private static boolean strips(String chars, int cp) {
        return chars == null ? Character.isWhitespace(cp) || Character.isSpaceChar(cp) : chars.indexOf(cp) >= 0;
    }

    static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length() && strips(chars, s.codePointAt(i))) {
            i += Character.charCount(s.codePointAt(i));
        }
        return s.substring(i);
    }

    static String rstrip(String s, String chars) {
        int j = s.length();
        while (j > 0 && strips(chars, s.codePointBefore(j))) {
            j -= Character.charCount(s.codePointBefore(j));
        }
        return s.substring(0, j);
    }

    /** Python's str.split: with a separator keeps empty parts; without one splits on whitespace runs. */
    static List<String> split(String s, String sep, int maxSplit) {
        List<String> out = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                if (i >= n) {
                    return out;
                }
                if (maxSplit >= 0 && out.size() == maxSplit) {
                    out.add(rstrip(s.substring(i), null));
                    return out;
                }
                int j = i;
                while (j < n && !Character.isWhitespace(s.charAt(j))) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
        }
        if (sep.isEmpty()) {
            throw new IllegalArgumentException("empty separator");
        }
        int from = 0;
        int at;
        while ((maxSplit < 0 || out.size() < maxSplit) && (at = s.indexOf(sep, from)) >= 0) {
            out.add(s.substring(from, at));
            from = at + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return false;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
