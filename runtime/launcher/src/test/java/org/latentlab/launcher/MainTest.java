package org.latentlab.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The launcher's own options: parsed up to the command word; the rest belongs to the command. */
class MainTest {

    private static Main.Options parse(String... args) {
        Main.Options o = new Main.Options();
        Main.parser(o).parseArgs(args);
        return o;
    }

    @Test
    void globalOptionsThenTheCommandWithItsArgumentsUntouched() {
        Main.Options o = parse("--home", "/tmp/h", "--features", "core, analysis,", "--poll", "250", "analyze", "--model", "m",
                "--help", "--home", "x");
        assertEquals(Path.of("/tmp/h"), o.home(Map.of()));
        assertEquals(List.of("core", "analysis"), o.features(Map.of()));
        assertEquals(250, o.poll);
        assertEquals("analyze", o.command);
        assertEquals(List.of("--model", "m", "--help", "--home", "x"), o.args);
        assertFalse(o.help);
    }

    @Test
    void defaultsComeFromTheEnvironmentThenTheUsersHome() {
        Main.Options o = parse("services");
        assertEquals(1000, o.poll);
        assertEquals(Path.of("/data/lab"), o.home(Map.of("LATENTLAB_HOME", "/data/lab")));
        assertEquals(Path.of(System.getProperty("user.home"), ".latentlab").toAbsolutePath().normalize(), o.home(Map.of()));
        assertEquals(List.of("core", "server"), o.features(Map.of("LATENTLAB_FEATURES", "core,server")));
        assertEquals(List.of("core"), parse("--features", "core", "services").features(Map.of("LATENTLAB_FEATURES", "server")));
        assertEquals(List.of(), o.features(Map.of()));
    }

    @Test
    void helpOrNoCommand() {
        assertTrue(parse("--help").help);
        assertTrue(parse("-h", "analyze").help);
        assertNull(parse().command);
    }

    @Test
    void badGlobalOptionsAreUsageErrorsBeforeAnyLabStarts() {
        String[][] cases = {
            {"latentlab: unknown option --bogus", "--bogus", "services"},
            {"latentlab: --home needs a value", "--home"},
            {"latentlab: --poll 'often' is not a whole number", "--poll", "often", "services"},
        };
        for (String[] c : cases) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            int code = Main.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String text = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, code, text);
            assertEquals(c[0], text.lines().findFirst().orElse(""));
            assertTrue(text.contains("Usage: latentlab [--home DIR]"), text);
        }
    }

    @Test
    void theGeneratedHelpListsTheLaunchersBundlesAndOnDemandCommands() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Feature server = new Feature("org.latentlab:server", "server", "the lab server", List.of(), false, List.of("serve"));
        Main.usage(Main.parser(new Main.Options()), Map.of("analyze", "find the attractors", "services", "list them"), List.of(server),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.contains("Usage: latentlab [--home DIR] [--features LIST] [--poll MS] COMMAND [ARGS...]"), help);
        for (String s : List.of("--home", "--features", "--poll", "shell", "the Gogo console", "analyze", "find the attractors",
                "services", "list them", "serve", "starts the feature 'server'")) {
            assertTrue(help.contains(s), s + " in " + help);
        }
    }
}
