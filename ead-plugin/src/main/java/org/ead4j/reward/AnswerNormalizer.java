package org.ead4j.reward;

/**
 * A subset of lm-eval-harness / verl {@code math_reward.strip_string} (rlvr-peers.md Sec. 7), enough
 * to compare numeric answers and short strings: drops newlines, {@code \!}, {@code \,}, {@code \;},
 * {@code \left}, {@code \right}, degrees ({@code ^\circ}), dollars, percent signs, a trailing
 * {@code \text{...}} unit, all spaces and a trailing full stop; maps {@code \tfrac}/{@code \dfrac}
 * to {@code \frac}; and keeps the right side of {@code k=v} when the left side has at most two
 * characters. Linear in the input length.
 */
final class AnswerNormalizer {

    private AnswerNormalizer() {
    }

    /**
     * @param s an extracted answer
     * @return the normalised answer
     */
    static String normalize(String s) {
        String t = s.replace("\n", "").replace("\\!", "").replace("\\,", "").replace("\\;", "")
                .replace("\\left", "").replace("\\right", "")
                .replace("\\tfrac", "\\frac").replace("\\dfrac", "\\frac")
                .replace("^{\\circ}", "").replace("^\\circ", "")
                .replace("\\$", "").replace("$", "")
                .replace("\\%", "").replace("%", "");
        t = removeTrailingUnit(t);
        StringBuilder sb = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!Character.isWhitespace(c)) {
                sb.append(c);
            }
        }
        t = sb.toString();
        int eq = t.indexOf('=');
        if (eq >= 0 && eq <= 2 && t.indexOf('=', eq + 1) < 0) {
            t = t.substring(eq + 1); // "x=5" -> "5" (strip_string: left side of at most 2 characters)
        }
        while (t.endsWith(".")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }

    /** "5\text{ cm}" -> "5": drops a \text{...} or \mbox{...} group that ends the answer, keeping a non-empty prefix. */
    private static String removeTrailingUnit(String t) {
        String trimmed = t.strip();
        if (!trimmed.endsWith("}")) {
            return t;
        }
        int idx = Math.max(trimmed.lastIndexOf("\\text{"), trimmed.lastIndexOf("\\mbox{"));
        if (idx <= 0) {
            return t;
        }
        int close = trimmed.indexOf('}', idx);
        if (close != trimmed.length() - 1) {
            return t;
        }
        return trimmed.substring(0, idx);
    }
}
