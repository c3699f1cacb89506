package org.ead4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ead4j.testing.TokenizerFixtures;
import org.junit.jupiter.api.Test;

/**
 * Chat templates of real models rendered by jinjava equal Python Jinja2's renderings with
 * transformers' settings (chat-templates-golden.json, from scripts/tokenizer-golden/chat_templates.py).
 */
class ChatTemplateTest {

    @Test
    void realTemplatesMatchPythonJinja() throws Exception {
        JsonNode golden;
        try (InputStream in = ChatTemplateTest.class.getResourceAsStream("chat-templates-golden.json")) {
            golden = new ObjectMapper().readTree(in);
        }
        Map<String, ChatTemplate> templates = new HashMap<>();
        int n = 0;
        for (JsonNode c : golden.get("cases")) {
            String name = c.get("tokenizer").asText();
            ChatTemplate t = templates.computeIfAbsent(name, ChatTemplateTest::template);
            List<ChatTemplate.Message> msgs = new ArrayList<>();
            for (JsonNode m : c.get("messages")) {
                msgs.add(new ChatTemplate.Message(m.get("role").asText(), m.get("content").asText()));
            }
            String got = t.render(msgs, c.get("add_generation_prompt").asBoolean(),
                    LocalDateTime.parse(c.get("now").asText()).atZone(ZoneOffset.UTC));
            assertEquals(c.get("expected").asText(), got, name + " / " + c.get("case").asText());
            n++;
        }
        assertEquals(24, n);
    }

    @Test
    void qwen3SystemUserPromptHasTheKnownFormat() throws Exception {
        ChatTemplate t = new HuggingFaceTokenizer(TokenizerFixtures.qwen3Dir()).chatTemplate().orElseThrow();
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n",
                t.render("Be brief.", "2+2?"));
        // enable_thinking is not set: no empty <think></think> block, the model may think (Qwen3's default)
        assertEquals("<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n", t.render("", "2+2?"));
    }

    @Test
    void raiseExceptionFailsWithTheTemplatesMessage() {
        ChatTemplate t = new ChatTemplate("{% if messages|length > 1 %}{{ raise_exception('one message only') }}"
                + "{% endif %}{{ messages[0].content }}", Map.of(), "test template");
        assertEquals("hi", t.render(null, "hi"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.render("sys", "hi"));
        assertTrue(e.getMessage().contains("one message only") && e.getMessage().contains("test template"), e.getMessage());
    }

    @Test
    void pythonSyntaxAndStringMethods() {
        ChatTemplate t = new ChatTemplate("{% set ns = namespace(n=messages|length - 1, s='') %}"
                + "{% for m in messages[::-1] %}{% set ns.s = ns.s + m.role.upper() + ',' %}{% endfor %}"
                + "{{ ns.n }}|{{ ns.s }}|{{ messages[-1].content.split('</think>')[-1].lstrip('\\n') }}|"
                + "{{ messages[-1].content.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') }}|"
                + "{{ messages[-1].content.startswith('<think>') }}{{ messages[-1].content.endswith('x') }}|"
                + "{{ 'a</think>'.split('</think>')|length }}|{{ ' a b '.split()|length }}|{{ '\\nx\\n'.strip('\\n') }}|"
                + "{{ strftime_now('%Y-%m-%d %b %a') }}{% if strftime_now is defined %}!{% endif %}",
                Map.of(), "test template");
        String out = t.render(List.of(new ChatTemplate.Message("system", "s"),
                        new ChatTemplate.Message("assistant", "<think>\nr\n</think>\n\nanswer")), true,
                LocalDateTime.parse("2026-12-08T01:30:00").atZone(ZoneOffset.UTC));
        assertEquals("1|ASSISTANT,SYSTEM,|answer|r|truefalse|2|2|x|2026-12-08 Dec Tue!", out);
    }

    @Test
    void rewriteLeavesStringsAndComparisonsAlone() {
        assertEquals("{{ f(a=(x|length - 1), b=('=')) }}{% if a == b %}", JinjaSource.rewrite(
                "{{ f(a=x|length - 1, b='=') }}{% if a == b %}"));
        assertEquals("{% for m in (messages|reverse) %}'[::-1]'", JinjaSource.rewrite(
                "{% for m in messages[::-1] %}'[::-1]'"));
        assertEquals("{{ (a.b(c)[0]|reverse) }}", JinjaSource.rewrite("{{ a.b(c)[0][::-1] }}"));
    }

    private static ChatTemplate template(String name) {
        Path dir = TokenizerFixtures.dir(name);
        try {
            return new HuggingFaceTokenizer(dir).chatTemplate().orElseThrow();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
