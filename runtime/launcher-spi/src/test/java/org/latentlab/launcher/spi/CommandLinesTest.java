package org.latentlab.launcher.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class CommandLinesTest {

    @Command(name = "latentlab try", description = "A command for the test.")
    static final class Options {
        @Mixin
        CommandLines.Help help;
        @Option(names = "--name", paramLabel = "N", description = "a name")
        String name;
        @Option(names = "--count", paramLabel = "C", description = "a count (default ${DEFAULT-VALUE})")
        int count = 3;
        @Option(names = "--rate", paramLabel = "R", description = "a rate")
        double rate = 0.5;
        @Option(names = "--flag", description = "a flag")
        boolean flag;
        @Option(names = "--tag", paramLabel = "T", description = "repeatable")
        List<String> tags = new ArrayList<>();
    }

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    private Options ran;

    private int run(String... args) throws Exception {
        Options o = new Options();
        return CommandLines.run("try", o, List.of(args), out, err, () -> {
            ran = o;
            if ("bad".equals(o.name)) {
                throw new CommandLines.BadUsage("--name must not be bad");
            }
            return 0;
        });
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private String firstErrLine() {
        return err().lines().findFirst().orElse("");
    }

    @Test
    void optionsReachTheFieldsAndTheLastOfARepeatedOptionWins() throws Exception {
        assertEquals(0, run("--name", "a", "--count", "7", "--rate", "-1.5", "--flag", "--tag", "x", "--tag", "y", "--name", "b"));
        assertEquals("b", ran.name);
        assertEquals(7, ran.count);
        assertEquals(-1.5, ran.rate);
        assertTrue(ran.flag);
        assertEquals(List.of("x", "y"), ran.tags);
        assertEquals("", err());
    }

    @Test
    void defaultsStayWhenOptionsAreLeftOut() throws Exception {
        assertEquals(0, run());
        assertEquals(3, ran.count);
        assertEquals(0.5, ran.rate);
        assertEquals(null, ran.name);
    }

    @Test
    void helpGoesToTheNormalOutputWithEveryOptionAndExitsZeroWithoutRunning() throws Exception {
        for (String h : new String[] {"--help", "-h"}) {
            outBytes.reset();
            ran = null;
            assertEquals(0, run("--name", "a", h));
            assertEquals(null, ran);
            String help = outBytes.toString(StandardCharsets.UTF_8);
            assertTrue(help.contains("Usage: latentlab try"), help);
            for (String o : new String[] {"--name", "--count", "--rate", "--flag", "--tag", "--help"}) {
                assertTrue(help.contains(o), o + " in " + help);
            }
            assertTrue(help.contains("a count (default 3)"), help);
        }
    }

    @Test
    void badUsageIsOneLineThenTheHelpAndExitTwo() throws Exception {
        String[][] cases = {
            {"unknown option --bogus", "--bogus", "1"},
            {"unexpected argument 'oops'", "oops", "--name", "a"},
            {"--name needs a value", "--name"},
            {"--count 'x' is not a whole number", "--count", "x"},
            {"--count '2.5' is not a whole number", "--count", "2.5"},
            {"--rate 'fast' is not a number", "--rate", "fast"},
            {"--name must not be bad", "--name", "bad"},
        };
        for (String[] c : cases) {
            errBytes.reset();
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            assertEquals(2, run(args), String.join(" ", args));
            assertEquals("try: " + c[0], firstErrLine());
            assertTrue(err().contains("Usage: latentlab try"), err());
            assertTrue(!err().contains("Exception"), err());
        }
    }

    @Test
    void atFilesAreNotExpanded() throws Exception {
        assertEquals(0, run("--name", "@/etc/hostname"));
        assertEquals("@/etc/hostname", ran.name);
    }

    @Test
    void nonFiniteNumbersAreLeftToTheCommand() throws Exception {
        assertEquals(0, run("--rate", "NaN"));
        assertTrue(Double.isNaN(ran.rate));
    }
}
