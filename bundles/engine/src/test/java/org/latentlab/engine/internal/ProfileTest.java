package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The profile's per-call log ({@code -Dlatentlab.profile.calls=FILE}): one line per map call, in order, with its stage. */
class ProfileTest {

    @AfterEach
    void clear() {
        System.clearProperty(Profile.CALLS);
    }

    @Test
    void everyMapCallIsLoggedWithItsPrecisionRowsStepsAndStage(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("calls.txt");
        System.setProperty(Profile.CALLS, file.toString());
        Profile profile = new Profile();
        LatentMap half = z -> {
            float[] out = z.data().clone();
            for (int i = 0; i < out.length; i++) {
                out[i] *= 0.5f;
            }
            return Tensor.matrix(z.rows(), z.width(), out);
        };
        LatentMap withLow = new LatentMap() {
            public Tensor apply(Tensor z) {
                return half.apply(z);
            }

            public Optional<LatentMap> lowPrecision() {
                return Optional.of(half);
            }
        };
        LatentMap f = profile.map(withLow);
        profile.stage("iterating");
        f.apply(Tensor.matrix(3, 2, new float[6]));
        f.lowPrecision().orElseThrow().apply(Tensor.matrix(5, 2, new float[10]));
        profile.stage("polishing");
        Tensor steps = f.applySteps(Tensor.matrix(2, 2, new float[] {1, 2, 3, 4}), 4);
        assertEquals(0.0625f, steps.data()[steps.data().length - 1] / 4, 1e-7f); // the wrapped map still computes

        String report = profile.report();
        assertTrue(report.contains(file.toAbsolutePath().toString()), report);
        List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.startsWith("#")).toList();
        assertEquals(3, lines.size(), lines.toString());
        String[][] fields = lines.stream().map(l -> l.split(" ")).toArray(String[][]::new);
        assertEquals(List.of("F", "3", "1", "iterating"), List.of(fields[0][0], fields[0][1], fields[0][2], fields[0][4]));
        assertEquals(List.of("L", "5", "1", "iterating"), List.of(fields[1][0], fields[1][1], fields[1][2], fields[1][4]));
        assertEquals(List.of("F", "2", "4", "polishing"), List.of(fields[2][0], fields[2][1], fields[2][2], fields[2][4]));
        long previousEnd = 0;
        for (String[] line : fields) { // microseconds inside the call, and when it ended: in order, not before its start
            long micros = Long.parseLong(line[3]);
            long end = Long.parseLong(line[5]);
            assertTrue(micros >= 0 && end >= micros && end >= previousEnd, String.join(" ", line));
            previousEnd = end;
        }
    }

    @Test
    void aFileThatIsNotAnEarlierLogIsNeverOverwritten(@TempDir Path dir) throws Exception {
        Path mine = dir.resolve("result.json");
        Files.writeString(mine, "{\"a user's\": \"file\"}");
        System.setProperty(Profile.CALLS, mine.toString());
        Profile profile = new Profile();
        profile.map(z -> z).apply(Tensor.matrix(1, 1, new float[1]));
        String report = profile.report();
        assertEquals("{\"a user's\": \"file\"}", Files.readString(mine));
        assertTrue(report.contains("not writing the map calls over"), report);

        Path log = dir.resolve("calls.txt"); // an earlier log is replaced: reruns with the same setting keep working
        Files.writeString(log, Profile.CALLS_HEADER + "\nF 9 1 5 iterating 10\n");
        System.setProperty(Profile.CALLS, log.toString());
        Profile again = new Profile();
        again.map(z -> z).apply(Tensor.matrix(2, 1, new float[2]));
        again.report();
        List<String> lines = Files.readAllLines(log);
        assertEquals(Profile.CALLS_HEADER, lines.get(0));
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(1).startsWith("F 2 1 "), lines.toString());
    }

    @Test
    void withoutTheSettingNoFileIsWritten(@TempDir Path dir) throws Exception {
        Profile profile = new Profile();
        profile.map(z -> z).apply(Tensor.matrix(1, 1, new float[1]));
        String report = profile.report();
        assertTrue(!report.contains("map calls, one per line"), report);
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }
}
