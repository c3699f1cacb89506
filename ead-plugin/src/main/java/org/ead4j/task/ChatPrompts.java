package org.ead4j.task;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.ead4j.data.Problem;
import org.ead4j.tokenizer.ChatTemplate;

/**
 * Turns problems' prompts into chat prompts: each prompt becomes the user message (after an
 * optional system message) rendered with the model's chat template and its generation prompt, so
 * {@link Problem#prompt()} holds exactly the text the policy is fed, and the dataset hash in a run's
 * provenance covers it.
 */
public final class ChatPrompts {

    private ChatPrompts() {
    }

    /**
     * Renders every problem's prompt.
     *
     * @param problems the problems (their prompts are the user messages)
     * @param template the model's chat template
     * @param systemPrompt the system message; empty for none
     * @param date the date the template's {@code strftime_now} sees (midnight UTC)
     * @return problems with rendered prompts, in the same order
     * @throws IllegalArgumentException naming the problem if the template fails on it
     */
    public static List<Problem> render(List<Problem> problems, ChatTemplate template, String systemPrompt, LocalDate date) {
        ZonedDateTime now = date.atStartOfDay(ZoneOffset.UTC);
        List<Problem> out = new ArrayList<>(problems.size());
        for (Problem p : problems) {
            String text;
            try {
                text = template.render(ChatTemplate.messages(systemPrompt, p.prompt()), true, now);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("problem " + p.id() + ": " + e.getMessage(), e);
            }
            out.add(new Problem(p.id(), text, p.answer(), p.dataSource(), p.referenceSolution()));
        }
        return List.copyOf(out);
    }

    /**
     * Parses a configured date, or gives today's (UTC) when it is empty.
     *
     * @param value ISO date (yyyy-MM-dd) or empty
     * @return the date
     * @throws IllegalArgumentException for a malformed date
     */
    static LocalDate date(String value) {
        if (value == null || value.isEmpty()) {
            return LocalDate.now(ZoneOffset.UTC);
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + value + "' is not a date of the form yyyy-MM-dd", e);
        }
    }
}
