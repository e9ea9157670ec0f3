package org.latentlab.training.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.training.TrainingConfig;
import org.latentlab.launcher.spi.CommandLines;

/** The options of {@code latentlab train}; nothing here trains (no catalog, no training service is bound). */
class TrainCommandTest {

    @TempDir
    Path dir;

    private record Run(int status, String err) {}

    private Run train(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--out", dir.resolve("m").toString()));
        all.addAll(List.of(args));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new TrainCommand().run(all, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, err.toString(StandardCharsets.UTF_8));
    }

    private void assertBadUsage(String line, String... args) throws Exception {
        Run r = train(args);
        assertEquals(2, r.status(), r.err());
        assertEquals("train: " + line, r.err().lines().findFirst().orElse(""), r.err());
    }

    @Test
    void badInitScaleShiftAndStepsAreBadUsageNamedByOption() throws Exception {
        assertBadUsage("--steps -1: must be a whole number >= 0 (0 = by --epochs)", "--steps", "-1");
        assertBadUsage("--init-scale 0.0: must be a finite number > 0", "--init-scale", "0");
        assertBadUsage("--init-scale -2.0: must be a finite number > 0", "--init-scale", "-2");
        assertBadUsage("--init-scale NaN: must be a finite number", "--init-scale", "NaN");
        assertBadUsage("--init-scale Infinity: must be a finite number", "--init-scale", "Infinity");
        assertBadUsage("--shift -1: must be a whole number >= 0", "--shift", "-1");
        assertBadUsage("--steps 'ten' is not a whole number", "--steps", "ten");
        assertBadUsage("--shift '1.5' is not a whole number", "--shift", "1.5");
    }

    @Test
    void theNewOptionsReachTheConfigurationAndDefaultToTheOldBehaviour() {
        TrainCommand.Options o = new TrainCommand.Options();
        CommandLines.of(o).parseArgs("--out", "x", "--init-scale", "0.25", "--shift", "2", "--steps", "300");
        TrainingConfig c = o.config();
        assertEquals(0.25, c.initScale());
        assertEquals(2, c.shift());
        assertEquals(300, c.steps());
        assertEquals(300, c.totalSteps());

        TrainCommand.Options d = new TrainCommand.Options();
        CommandLines.of(d).parseArgs("--out", "x");
        TrainingConfig plain = d.config();
        assertEquals(TrainingConfig.defaults(), plain);
        assertEquals(TrainingConfig.defaults().key(), plain.key(), "defaults keep the 1.0 cache names");
        assertEquals(1.0, plain.initScale());
        assertEquals(0, plain.shift());
        assertEquals(0, plain.steps());
    }

    @Test
    void helpListsTheNewOptions() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = new TrainCommand().run(List.of("--help"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        String help = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status);
        for (String option : List.of("--init-scale=X", "--shift=N", "--steps=N")) {
            assertTrue(help.contains(option), option + " in\n" + help);
        }
    }
}
