package org.ead4j.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import jinjava.javax.el.CompositeELResolver;
import org.ead4j.provenance.ContentHash;

/**
 * A model's chat template (the Jinja source in {@code tokenizer_config.json} {@code chat_template} or
 * {@code chat_template.jinja}), rendered the way Hugging Face's {@code apply_chat_template} renders
 * it: with {@code trim_blocks} and {@code lstrip_blocks}, the variables {@code messages},
 * {@code add_generation_prompt}, {@code tools = none}, the special tokens ({@code bos_token},
 * {@code eos_token}, {@code pad_token}, {@code unk_token}) and the functions {@code raise_exception}
 * and {@code strftime_now}.
 *
 * <p>The engine is jinjava; {@link JinjaSource} rewrites the two Python-Jinja constructs it cannot
 * parse and {@link PythonStrings} adds Python's string methods. {@code strftime_now} formats the
 * instant given to {@link #render(List, boolean, ZonedDateTime)}, not the clock, so a rendering is
 * reproducible (Llama 3.2 writes "Today Date: 26 Jul 2024" into its system header).
 *
 * <p>Instances are not safe for concurrent rendering.
 */
public final class ChatTemplate {

    /** One chat message. */
    public record Message(String role, String content) {
        /**
         * Validates the fields.
         *
         * @param role "system", "user" or "assistant"
         * @param content the text
         */
        public Message {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(content, "content");
        }
    }

    /** The instant strftime_now formats during a rendering on this thread. */
    private static final ThreadLocal<ZonedDateTime> NOW = new ThreadLocal<>();

    private final String source;
    private final String origin;
    private final String sha256;
    private final Map<String, String> specialTokens;
    private final Jinjava jinjava;
    private final String rewritten;

    /**
     * Creates a template.
     *
     * @param source the Jinja source
     * @param specialTokens the special tokens' text by name ({@code bos_token}, {@code eos_token}, ...);
     *                      absent names are undefined in the template
     * @param origin where the source came from, for messages (a file and key)
     */
    public ChatTemplate(String source, Map<String, String> specialTokens, String origin) {
        this.source = Objects.requireNonNull(source, "source");
        this.origin = origin;
        this.sha256 = ContentHash.sha256(source);
        this.specialTokens = Map.copyOf(specialTokens);
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonStrings());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_WRITE);
        // the overrides make whitespace control and operator precedence follow Python's Jinja
        this.jinjava = new Jinjava(JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withElResolver(resolver)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withParseWhitespaceControlStrictly(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withUseNaturalOperatorPrecedence(true)
                        .withKeepNullableLoopValues(true)
                        .withEvaluateMapKeys(true)
                        .build())
                .build());
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                ChatTemplate.class, "raiseException", String.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                ChatTemplate.class, "strftimeNow", String.class));
        this.rewritten = JinjaSource.rewrite(source);
    }

    /**
     * Renders one prompt: an optional system message, then the user's, then the assistant header
     * ({@code add_generation_prompt = true}), formatting {@code strftime_now} at midnight UTC of the
     * Unix epoch (use {@link #render(List, boolean, ZonedDateTime)} for a real date).
     *
     * @param systemPrompt the system message; null or empty for none
     * @param user the user message
     * @return the prompt text
     */
    public String render(String systemPrompt, String user) {
        return render(messages(systemPrompt, user), true, ZonedDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
    }

    /**
     * The messages of one prompt.
     *
     * @param systemPrompt the system message; null or empty for none
     * @param user the user message
     * @return [system?, user]
     */
    public static List<Message> messages(String systemPrompt, String user) {
        List<Message> m = new ArrayList<>(2);
        if (systemPrompt != null && !systemPrompt.isEmpty()) {
            m.add(new Message("system", systemPrompt));
        }
        m.add(new Message("user", user));
        return m;
    }

    /**
     * Renders messages.
     *
     * @param messages the conversation
     * @param addGenerationPrompt whether to end with the assistant's header
     * @param now the instant {@code strftime_now} formats
     * @return the rendered text
     * @throws IllegalArgumentException naming the template's origin when rendering fails or the template
     *         raises an exception
     */
    public String render(List<Message> messages, boolean addGenerationPrompt, ZonedDateTime now) {
        Map<String, Object> ctx = new HashMap<>(specialTokens);
        List<Map<String, Object>> msgs = new ArrayList<>(messages.size());
        for (Message m : messages) {
            Map<String, Object> mm = new HashMap<>();
            mm.put("role", m.role());
            mm.put("content", m.content());
            msgs.add(mm);
        }
        ctx.put("messages", msgs);
        ctx.put("add_generation_prompt", addGenerationPrompt);
        ctx.put("tools", null);
        ctx.put("documents", null);
        // a variable too, so that "strftime_now is defined" holds as in transformers
        ctx.put("strftime_now", "strftime_now");
        RenderResult r;
        NOW.set(now);
        try {
            r = jinjava.renderForResult(rewritten, ctx);
        } finally {
            NOW.remove();
        }
        if (!r.getErrors().isEmpty()) {
            TemplateError e = r.getErrors().get(0);
            String msg = e.getMessage();
            for (Throwable x = e.getException(); x != null; x = x.getCause()) {
                if (x instanceof TemplateRaised) {
                    msg = x.getMessage();
                    break;
                }
            }
            throw new IllegalArgumentException("the chat template of " + origin + " failed at line " + e.getLineno()
                    + ": " + msg);
        }
        return r.getOutput();
    }

    /**
     * {@code raise_exception(message)} in a template.
     *
     * @param message the template's message
     * @return never
     */
    public static Object raiseException(String message) {
        throw new TemplateRaised(message);
    }

    /**
     * {@code strftime_now(format)} in a template: the rendering's instant in Python's strftime format.
     *
     * @param format e.g. {@code "%d %b %Y"}
     * @return the formatted instant
     */
    public static String strftimeNow(String format) {
        ZonedDateTime now = NOW.get();
        if (now == null) {
            throw new IllegalStateException("strftime_now outside a rendering");
        }
        return Strftime.format(now, format);
    }

    /** @return the template source */
    public String source() {
        return source;
    }

    /** @return the SHA-256 of the template source */
    public String sha256() {
        return sha256;
    }

    /** @return where the template came from */
    public String origin() {
        return origin;
    }

    /** What a template's raise_exception throws. */
    static final class TemplateRaised extends RuntimeException {
        TemplateRaised(String message) {
            super("the template raised: " + message);
        }
    }
}
