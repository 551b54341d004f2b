package io.mqttbridge.core.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicTemplateTest {

    private static final Map<String, String> VALUES = Map.of("mqtt.topic", "plant.line1", "1", "line1",
            "2", "temp", "header.x", "hx", "key", "dev-7");

    private static String render(String template) {
        return TopicTemplate.parse(template).render(VALUES::get);
    }

    private static String invalid(String template) {
        return assertThrows(IllegalArgumentException.class, () -> TopicTemplate.parse(template)).getMessage();
    }

    @Test
    void rendersLiteralsAndPlaceholders() {
        assertEquals("mqtt.plant.line1", render("mqtt.${mqtt.topic}"));
        assertEquals("line1-temp", render("${1}-${2}"));
        assertEquals("devices/dev-7/state", render("devices/${key}/state"));
        assertEquals("hxhx", render("${header.x}${header.x}"));
        assertEquals("constant", render("constant"));
        assertEquals("", render(""));
    }

    @Test
    void variablesInOrderOfFirstUse() {
        TopicTemplate t = TopicTemplate.parse("${2}/${1}/${2}/${header.x}");
        assertEquals(List.of("2", "1", "header.x"), new ArrayList<>(t.variables()));
        assertFalse(t.isConstant());
        assertEquals(Set.of(), TopicTemplate.parse("a/b").variables());
        assertTrue(TopicTemplate.parse("a/$${b}").isConstant());
    }

    @Test
    void dollarEscapes() {
        assertEquals("$", render("$$"));
        assertEquals("${key}", render("$${key}"));
        assertEquals("$dev-7", render("$$${key}"));
        assertEquals("a$$b", render("a$$$$b"));
        // a '$' that starts no placeholder is literal, so AWS and Azure topics need no escaping
        assertEquals("$aws/things/dev-7/shadow/update", render("$aws/things/${key}/shadow/update"));
        assertEquals("cost$", render("cost$"));
        assertEquals("a$b", render("a$b"));
    }

    @Test
    void syntaxErrorsSayWhereAndWhat() {
        String unclosed = invalid("a/${key");
        assertTrue(unclosed.contains("at index 2"), unclosed);
        assertTrue(unclosed.contains("'${' is never closed"), unclosed);
        assertTrue(invalid("${}").contains("empty variable name"));
        assertTrue(invalid("x${a${b}}").contains("cannot nest"));
        assertTrue(invalid("${a{b}").contains("contains '{'"));
        assertTrue(invalid("${ key }").contains("write '${key}'"));
    }

    @Test
    void trailingDollarIsNotAnError() {
        assertEquals("$", render("$"));
    }

    @Test
    void missingValueNamesTheVariable() {
        TemplateException e = assertThrows(TemplateException.class,
                () -> TopicTemplate.parse("t.${header.device}").render(VALUES::get));
        assertEquals("header.device", e.variable());
        assertTrue(e.getMessage().contains("${header.device}"), e.getMessage());
        assertTrue(e.getMessage().contains("'t.${header.device}'"), e.getMessage());
    }

    @Test
    void lookupCalledPerOccurrence() {
        List<String> asked = new ArrayList<>();
        TopicTemplate.parse("${a}/${b}/${a}").render(name -> {
            asked.add(name);
            return name;
        });
        assertEquals(List.of("a", "b", "a"), asked);
    }

    @Test
    void valueEquality() {
        assertEquals(TopicTemplate.parse("a/${b}"), TopicTemplate.parse("a/${b}"));
        assertEquals("a/${b}", TopicTemplate.parse("a/${b}").template());
        assertEquals("a/${b}", TopicTemplate.parse("a/${b}").toString());
    }
}
