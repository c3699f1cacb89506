package org.ead4j.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ead4j.cli.UserException;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.ead4j.samediff.schedule.TemperatureSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExperimentConfigsTest {

    /** A hand-written JSON experiment: unquoted numbers, a plain list, a nested schedule. */
    static final String JSON_CONFIG = """
            {
              "config": {
                "components": [
                  {"name": "trainer", "type": "org.ead4j.provenance.FakeTrainer",
                   "properties": {"steps": 25, "learningRate": 2e-6, "schedule": "ead",
                                  "aggregation": "SEQ_MEAN", "evalK": [1, 4, 16]}},
                  {"name": "ead", "type": "org.ead4j.samediff.schedule.ExploratoryAnnealing",
                   "properties": {"tauMax": 1.1, "tauMin": 0.3, "d0": 40, "positionScale": 20}}
                ]
              }
            }
            """;

    static final String XML_CONFIG = """
            <?xml version="1.0" encoding="UTF-8"?>
            <config>
              <component name="trainer" type="org.ead4j.provenance.FakeTrainer">
                <property name="steps" value="25"/>
                <property name="learningRate" value="2e-6"/>
                <property name="schedule" value="ead"/>
                <property name="aggregation" value="SEQ_MEAN"/>
                <propertylist name="evalK"><item>1</item><item>4</item><item>16</item></propertylist>
              </component>
              <component name="ead" type="org.ead4j.samediff.schedule.ExploratoryAnnealing">
                <property name="tauMax" value="1.1"/>
                <property name="tauMin" value="0.3"/>
                <property name="d0" value="40"/>
                <property name="positionScale" value="20"/>
              </component>
            </config>
            """;

    @TempDir
    Path tmp;

    @Test
    void handWrittenJsonConfigBuildsTheTrainer() throws Exception {
        checkHandWritten(ExperimentConfigs.load(write("exp.json", JSON_CONFIG), FakeTrainer.class));
    }

    @Test
    void handWrittenXmlConfigBuildsTheTrainer() throws Exception {
        checkHandWritten(ExperimentConfigs.load(write("exp.xml", XML_CONFIG), FakeTrainer.class));
    }

    @Test
    void formatIsDetectedByContentNotExtension() throws Exception {
        checkHandWritten(ExperimentConfigs.load(write("exp.conf", XML_CONFIG), FakeTrainer.class));
    }

    private static void checkHandWritten(FakeTrainer t) {
        assertEquals(25, t.steps());
        assertEquals(2e-6, t.learningRate());
        assertEquals(FakeTrainer.Aggregation.SEQ_MEAN, t.aggregation());
        assertEquals(List.of(1, 4, 16), t.evalK());
        ExploratoryAnnealing s = (ExploratoryAnnealing) t.schedule();
        assertEquals(1.1, s.tauMax());
        assertEquals(0.3, s.tauMin());
        assertEquals(40, s.d0());
        assertEquals(20, s.positionScale());
        assertEquals(5, s.alpha()); // default kept
        assertEquals(0.2, t.loss().clipRatio()); // default component kept
        assertEquals(new ExploratoryAnnealing(1.1, 0.3, 40, 5, 40000, 10, 20).temperature(200, 3),
                s.temperature(200, 3));
    }

    @Test
    void writtenConfigLoadsBackEqual() throws Exception {
        FakeTrainer t = Fixtures.trainer();
        for (String name : new String[]{"out.json", "out.xml"}) {
            Path f = tmp.resolve(name);
            ExperimentConfigs.writeConfig(t, f);
            FakeTrainer back = ExperimentConfigs.load(f, FakeTrainer.class);
            assertEquals(t.getProvenance(), back.getProvenance(), name);
        }
    }

    @Test
    void configFromARunsProvenanceLoadsBackEqual() throws Exception {
        ExperimentProvenance p = Fixtures.experiment(Fixtures.trainer(), 3);
        Path f = tmp.resolve("from-run.json");
        ExperimentConfigs.writeConfig(p, f);
        assertTrue(Files.readString(f).contains("\"config\""));
        assertEquals(p.trainerProvenance(), ExperimentConfigs.load(f, FakeTrainer.class).getProvenance());
    }

    @Test
    void nestedComponentCanBeLoadedByItsType() throws Exception {
        TemperatureSchedule s = ExperimentConfigs.load(write("exp.json", JSON_CONFIG), TemperatureSchedule.class);
        assertEquals(1.1, ((ExploratoryAnnealing) s).tauMax());
    }

    /**
     * Each bad file gives a UserException whose message names the file and the listed words (the
     * component, the property, the value or the line).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown property     | "properties": {"steps": 25,                | "properties": {"steps": 25, "stpes": 3,       | trainer;stpes;Unknown property
            wrong type int       | "steps": 25                                 | "steps": "many"                              | trainer;steps;many
            wrong type double    | "tauMax": 1.1                               | "tauMax": "hot"                              | ead;tauMax;hot
            missing mandatory    | "steps": 25,                                |                                              | trainer;steps;mandatory
            failed validation    | "tauMin": 0.3                               | "tauMin": 3.0                                | tauMin;3.0;tauMax
            unknown class        | samediff.schedule.ExploratoryAnnealing      | samediff.schedule.ExploratoryAnealing        | ead;ExploratoryAnealing
            missing reference    | "schedule": "ead"                           | "schedule": "eda"                            | trainer;schedule;eda
            self reference       | "schedule": "ead"                           | "schedule": "trainer"                        | cycle;trainer.schedule
            wrong component type | "schedule": "ead"                           | "loss": "ead"                                | trainer;loss;Incompatible
            wrong enum value     | "SEQ_MEAN"                                  | "SEQ_MAX"                                    | aggregation;SEQ_MAX
            null property        | "learningRate": 2e-6                        | "learningRate": null                         | trainer;learningRate;null
            misspelt section     | "properties": {"steps": 25,                | "propertes": {"steps": 25,                   | trainer;propertes
            malformed JSON       | "steps": 25,                                | "steps": 25,,                                | malformed JSON;line 5, column 35
            """)
    void badJsonConfigsNameTheProblem(String name, String from, String to, String expected) throws Exception {
        assertTrue(JSON_CONFIG.contains(from), "fixture lacks " + from);
        Path f = write(name.replace(' ', '-') + ".json", JSON_CONFIG.replace(from, to == null ? "" : to));
        UserException e = assertThrows(UserException.class, () -> ExperimentConfigs.load(f, FakeTrainer.class));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        for (String word : expected.split(";")) {
            assertTrue(e.getMessage().contains(word.trim()), "'" + word + "' not in: " + e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown property  | <property name="steps" value="25"/>  | <property name="steps" value="25"/><property name="sched" value="ead"/> | trainer;sched
            wrong type        | value="0.3"                          | value="cold"                                                           | ead;tauMin;cold
            malformed XML     | </component>                         | </componnt>                                                            | malformed;line 9
            """)
    void badXmlConfigsNameTheProblem(String name, String from, String to, String expected) throws Exception {
        assertTrue(XML_CONFIG.contains(from), "fixture lacks " + from);
        Path f = write(name.replace(' ', '-') + ".xml", XML_CONFIG.replaceFirst(java.util.regex.Pattern.quote(from),
                java.util.regex.Matcher.quoteReplacement(to)));
        UserException e = assertThrows(UserException.class, () -> ExperimentConfigs.load(f, FakeTrainer.class));
        for (String word : expected.split(";")) {
            assertTrue(e.getMessage().contains(word.trim()), "'" + word + "' not in: " + e.getMessage());
        }
    }

    @Test
    void otherUserErrors() throws Exception {
        UserException missing = assertThrows(UserException.class,
                () -> ExperimentConfigs.load(tmp.resolve("nope.json"), FakeTrainer.class));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
        Path yaml = write("exp.yaml", "trainer:\n  steps: 3\n");
        assertTrue(assertThrows(UserException.class, () -> ExperimentConfigs.load(yaml, FakeTrainer.class))
                .getMessage().contains("neither JSON nor XML"));
        Path onlySchedule = write("s.json", """
                {"config": {"components": [{"name": "ead", "type": "org.ead4j.samediff.schedule.ExploratoryAnnealing"}]}}""");
        UserException noRoot = assertThrows(UserException.class,
                () -> ExperimentConfigs.load(onlySchedule, FakeTrainer.class));
        assertTrue(noRoot.getMessage().contains("no component of type org.ead4j.provenance.FakeTrainer")
                && noRoot.getMessage().contains("ead (org.ead4j.samediff.schedule.ExploratoryAnnealing)"),
                noRoot.getMessage());
        UserException badExt = assertThrows(UserException.class,
                () -> ExperimentConfigs.writeConfig(Fixtures.trainer(), tmp.resolve("x.txt")));
        assertTrue(badExt.getMessage().contains(".json or .xml"));
    }

    private Path write(String name, String content) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, content);
        return f;
    }
}
