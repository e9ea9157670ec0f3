package org.latentlab.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabDatabaseTest {

    @TempDir
    Path home;

    static final String RESULT = """
            {"format": "latentlab-result/1.0", "created": "2026-11-25T10:38:11.416Z",
             "model": {"name": "memorizer", "folder": "/models/memorizer"},
             "seeds": {"origin": "gaussian{count=50, sigma=1, seed=0}", "count": 50},
             "strategy": {"id": "picard", "parameters": {"tolerance": 1e-06, "maxSteps": 3000}},
             "clusterer": {"id": "cosine", "parameters": {"threshold": 0.99}},
             "summary": {"attractors": 7, "converged": 50, "diverged": 0, "notConverged": 0, "elapsedMillis": 9121},
             "metrics": {"latent-field": {}}}
            """;

    @Test
    void aCorruptDatabaseIsMovedAsideAndTheJobListRebuiltFromTheJobFolders() throws Exception {
        Path done = Files.createDirectories(home.resolve("jobs/job-20261125-103811-0001"));
        Files.writeString(done.resolve("result.json"), RESULT);
        Files.writeString(done.resolve("attractors.csv"), "a,b\n");
        Path failed = Files.createDirectories(home.resolve("jobs/job-20261125-103900-0002"));
        Files.writeString(failed.resolve("partial.csv"), "x\n");
        Path db = Files.createDirectories(home.resolve("server")).resolve("lab.mv.db");
        byte[] garbage = new byte[64 * 1024];
        new Random(7).nextBytes(garbage);
        Files.write(db, garbage);

        LabDatabase.Opened opened = LabDatabase.open(home);
        try {
            assertEquals(1, opened.notes().size(), opened.notes().toString());
            String note = opened.notes().get(0);
            assertTrue(note.contains("was damaged") && note.contains("lab.mv.db.corrupt-") && note.contains("1 finished job(s) listed again")
                    && note.contains("1 folder(s) without result.json"), note);
            assertFalse(note.contains("recovery tool"), "no advice about H2's own tools: " + note);
            List<JobStore.JobRecord> jobs = opened.store().list(10);
            assertEquals(1, jobs.size());
            JobStore.JobRecord r = jobs.get(0);
            assertEquals("job-20261125-103811-0001", r.id());
            assertEquals("SUCCEEDED", r.status());
            assertEquals(Instant.parse("2026-11-25T10:38:11.416Z"), r.created());
            assertEquals(7, Json.MAPPER.readTree(r.summary()).path("attractors").asInt());
            JsonNode request = Json.MAPPER.readTree(r.request());
            assertEquals("/models/memorizer", request.path("model").asText());
            assertEquals("gaussian", request.at("/seeds/source").asText());
            assertEquals("50", request.at("/seeds/params/count").asText());
            assertEquals("3000", request.at("/strategyParams/maxSteps").asText());
            assertEquals("latent-field", request.at("/metrics/0").asText());
        } finally {
            opened.store().close();
        }
        try (Stream<Path> s = Files.list(home.resolve("server"))) {
            Path aside = s.filter(p -> p.getFileName().toString().startsWith("lab.mv.db.corrupt-")).findFirst().orElseThrow();
            assertArrayEquals(garbage, Files.readAllBytes(aside), "the damaged file is kept as it was");
        }
        assertEquals("x\n", Files.readString(failed.resolve("partial.csv")), "job files are left alone");
        assertEquals(RESULT, Files.readString(done.resolve("result.json")));
    }

    @Test
    void aMissingDatabaseWithJobFoldersListsThemAgain() throws Exception {
        Files.writeString(Files.createDirectories(home.resolve("jobs/job-1")).resolve("result.json"), RESULT);
        LabDatabase.Opened opened = LabDatabase.open(home);
        try {
            assertEquals(1, opened.store().list(10).size());
            assertTrue(opened.notes().get(0).startsWith("there was no job database"), opened.notes().toString());
        } finally {
            opened.store().close();
        }
        LabDatabase.Opened again = LabDatabase.open(home); // now a normal start: nothing rebuilt, nothing doubled
        try {
            assertEquals(List.of(), again.notes());
            assertEquals(1, again.store().list(10).size());
        } finally {
            again.store().close();
        }
    }

    @Test
    void aDataFolderThatCannotHoldTheDatabaseIsOneClearLine() throws Exception {
        Files.writeString(home.resolve("server"), "a file where the folder should be");
        LabDatabase.StartupException e = org.junit.jupiter.api.Assertions.assertThrows(LabDatabase.StartupException.class,
                () -> LabDatabase.open(home));
        assertTrue(e.getMessage().startsWith("cannot create " + home.resolve("server")), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
