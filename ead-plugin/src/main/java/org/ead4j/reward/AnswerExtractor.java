package org.ead4j.reward;

/**
 * Finds the answer substring in a response, the verl way (rlvr-peers.md Sec. 7). All scans are
 * linear and iterative (no regex backtracking, no recursion), so 10,000 nested braces or a
 * megabyte of digits cost one pass.
 */
final class AnswerExtractor {

    /** What a scan found: the answer text, or that a marker was found but its answer is malformed. */
    record Found(String text, String problem) {
        static Found answer(String text) {
            return new Found(text, null);
        }

        static Found malformed(String problem) {
            return new Found(null, problem);
        }
    }

    private AnswerExtractor() {
    }

    /**
     * The content of the last {@code \boxed{...}} (brace matching), as verl's
     * {@code last_boxed_only_string} + {@code remove_boxed}: {@code "\boxed "} (a space, no braces)
     * takes the text up to the next {@code $}; without {@code \boxed} the last {@code \fbox{...}} is used.
     *
     * @param response the response
     * @return the box content, a malformed result for an unbalanced box, or null when there is no box
     */
    static Found lastBoxed(String response) {
        int spaced = response.lastIndexOf("\\boxed ");
        int idx = response.lastIndexOf("\\boxed");
        if (spaced >= 0 && spaced == idx) {
            String rest = response.substring(spaced + "\\boxed ".length());
            int dollar = rest.indexOf('$');
            return Found.answer(dollar >= 0 ? rest.substring(0, dollar) : rest);
        }
        String marker = "\\boxed";
        if (idx < 0) {
            idx = response.lastIndexOf("\\fbox");
            marker = "\\fbox";
            if (idx < 0) {
                return null;
            }
        }
        int open = idx + marker.length();
        if (open >= response.length() || response.charAt(open) != '{') {
            return Found.malformed(marker + " is not followed by '{'");
        }
        int depth = 0;
        for (int i = open; i < response.length(); i++) {
            char c = response.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 0) {
                    return Found.answer(response.substring(open + 1, i));
                }
            }
        }
        return Found.malformed("unbalanced braces after " + marker + " (" + depth + " left open)");
    }

    /**
     * GSM8K strict extraction (verl {@code gsm8k.py}, method "strict"): the last match of
     * {@code #### (-?[0-9.,]+)} within the last {@code tailChars} characters, with {@code ,} and
     * {@code $} removed and trailing full stops dropped.
     *
     * @param response the response
     * @param tailChars how many final characters to search (verl: 300)
     * @return the number text, or null when there is no {@code ####} answer
     */
    static Found gsm8k(String response, int tailChars) {
        String tail = tail(response, tailChars);
        int from = tail.length();
        while (true) {
            int idx = tail.lastIndexOf("#### ", from);
            if (idx < 0) {
                return null;
            }
            int i = idx + 5;
            int start = i;
            if (i < tail.length() && tail.charAt(i) == '-') {
                i++;
            }
            int digitsStart = i;
            while (i < tail.length() && isNumberChar(tail.charAt(i))) {
                i++;
            }
            if (i > digitsStart) {
                String s = tail.substring(start, i).replace(",", "").replace("$", "");
                while (s.endsWith(".")) {
                    s = s.substring(0, s.length() - 1);
                }
                if (!s.isEmpty() && !s.equals("-")) {
                    return Found.answer(s);
                }
            }
            if (idx == 0) {
                return null;
            }
            from = idx - 1;
        }
    }

    /**
     * The last number in the last {@code tailChars} characters (verl GSM8K "flexible": the last
     * {@code -?[0-9.,]+} that is not just "." or ","), extended to {@code a/b} fractions. A minus sign
     * counts only where it cannot be a binary minus, so {@code "12-34=-22"} gives {@code -22} and
     * {@code "5-3"} gives {@code 3}.
     *
     * @param response the response
     * @param tailChars how many final characters to search (verl: 300)
     * @return the number text, or null when there is no number
     */
    static Found lastNumber(String response, int tailChars) {
        String tail = tail(response, tailChars);
        int end = tail.length();
        while (end > 0) {
            // find the end of the last run of number characters that contains a digit
            while (end > 0 && !isDigit(tail.charAt(end - 1))) {
                end--;
            }
            if (end == 0) {
                return null;
            }
            int start = end;
            while (start > 0 && isNumberChar(tail.charAt(start - 1))) {
                start--;
            }
            // a fraction a/b: extend over "a/" when a is a number run
            if (start >= 2 && tail.charAt(start - 1) == '/' && isDigit(tail.charAt(start - 2))) {
                int s2 = start - 1;
                while (s2 > 0 && isNumberChar(tail.charAt(s2 - 1))) {
                    s2--;
                }
                start = s2;
            }
            if (start > 0 && tail.charAt(start - 1) == '-' && isUnaryMinus(tail, start - 1)) {
                start--;
            }
            String s = tail.substring(start, end);
            while (s.endsWith(".") || s.endsWith(",")) {
                s = s.substring(0, s.length() - 1);
            }
            while (s.startsWith(",")) {
                s = s.substring(1);
            }
            if (!s.isEmpty()) {
                return Found.answer(s);
            }
            end = start;
        }
        return null;
    }

    private static boolean isUnaryMinus(String s, int minus) {
        if (minus == 0) {
            return true;
        }
        char prev = s.charAt(minus - 1);
        return !(Character.isLetterOrDigit(prev) || prev == ')' || prev == ']' || prev == '}' || prev == '.');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isNumberChar(char c) {
        return isDigit(c) || c == '.' || c == ',';
    }

    private static String tail(String s, int n) {
        return s.length() <= n ? s : s.substring(s.length() - n);
    }
}
