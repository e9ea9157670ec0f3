package org.latentlab.cli.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.latentlab.launcher.spi.CommandLines;

/** {@code latentlab field}'s options, parsed as the command parses them. */
class FieldOptionsTest {

    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private FieldCommand.Options options;
    private float[] grid;

    private int parse(String... args) throws Exception {
        FieldCommand.Options o = new FieldCommand.Options();
        options = null;
        return CommandLines.run("field", o, List.of(args), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8), () -> {
                    grid = o.check();
                    options = o;
                    return 0;
                });
    }

    private String firstErrLine() {
        return errBytes.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
    }

    @Test
    void pointsOrAGridWithAPlane() throws Exception {
        assertEquals(0, parse("--model", "m", "--points", "p.npy", "--out", "o"));
        assertEquals(Path.of("m"), options.model);
        assertEquals(Path.of("p.npy"), options.points);
        assertEquals(Path.of("o"), options.out);
        assertNull(grid);
        assertEquals(0, parse("--model", "m", "--grid", "-1:1:3,0:2:2", "--plane", "three.npy", "--out", "o"));
        assertEquals(Path.of("three.npy"), options.plane);
        assertArrayEquals(new float[] {-1, 0, 0, 0, 1, 0, -1, 2, 0, 2, 1, 2}, grid);
    }

    @Test
    void badUsage() throws Exception {
        String[][] cases = {
            {"need --model, --out and one of --points or --grid", "--model", "m", "--out", "o"},
            {"need --model, --out and one of --points or --grid", "--model", "m", "--points", "p", "--grid", "0:1:2,0:1:2", "--out", "o"},
            {"--plane goes with --grid", "--model", "m", "--points", "p", "--plane", "q", "--out", "o"},
            {"unknown option --what", "--model", "m", "--what", "x", "--out", "o"},
            {"--grid axis '0:1:0': COUNT must be 1..10000", "--model", "m", "--grid", "0:1:0,0:1:5", "--out", "o"},
            {"--grid axis 'nan:1:5' must be FROM:TO:COUNT", "--model", "m", "--grid", "nan:1:5,0:1:5", "--out", "o"},
            {"--grid must look like X0:X1:NX,Y0:Y1:NY, got 0:1:5", "--model", "m", "--grid", "0:1:5", "--out", "o"},
        };
        for (String[] c : cases) {
            errBytes.reset();
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            assertEquals(2, parse(args), String.join(" ", args));
            assertEquals("field: " + c[0], firstErrLine());
            assertTrue(errBytes.toString(StandardCharsets.UTF_8).contains("Usage: latentlab field"));
        }
    }
}
