package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code latentlab serve} started where it cannot simply start: on a damaged job database, on a data
 * folder another server uses, with an address that is not this machine's. Each is one clear line
 * (no stack trace) and the right exit status; a damaged database is moved aside and the finished jobs
 * listed again from their folders. The server logs to DATA/logs/server.log.
 */
class ServerStartupIT {

    static final Path MODELS = Path.of(System.getProperty("latentlab.it.models"));

    static String small() {
        return "{\"model\": \"" + MODELS.resolve("memorizer") + "\", \"seeds\": {\"noise\": 20}}";
    }

    @Test
    void aDamagedDatabaseIsMovedAsideAndTheFinishedJobsListedAgain() throws Exception {
        Path home = ServerConfigIT.newHome("startup-corrupt-");
        LabFixture.writeConfig(home, "org.latentlab.server.cfg", ServerConfigIT.roots());
        String id;
        String token;
        JsonNode summary;
        try (ServerProcess server = ServerProcess.serving(home, null)) {
            ServerClient api = server.api();
            token = api.token;
            id = api.post("api/jobs", small()).json().path("id").asText();
            JsonNode done = api.awaitFinished(id, Duration.ofSeconds(60));
            assertEquals("succeeded", done.path("status").asText());
            summary = done.path("summary");
        }
        Path result = home.resolve("jobs").resolve(id).resolve("result.json");
        byte[] resultBytes = Files.readAllBytes(result);
        Path db = home.resolve("server/lab.mv.db");
        byte[] garbage = new byte[(int) Files.size(db)];
        new Random(3).nextBytes(garbage);
        Files.write(db, garbage);

        try (ServerProcess server = ServerProcess.serving(home, token)) {
            String out = server.output();
            assertFalse(out.contains("\tat ") || out.contains("Exception"), out);
            String note = out.lines().filter(l -> l.contains("lab.mv.db")).reduce("", (a, b) -> a + b + "\n");
            assertEquals(1, note.lines().count(), "one line: " + out);
            assertTrue(note.startsWith("serve: note: the job database " + db + " was damaged") && note.contains("moved it to " + db + ".corrupt-")
                    && note.contains("1 finished job(s) listed again"), note);
            ServerClient api = server.api();
            JsonNode job = api.get("api/jobs/" + id).json();
            assertEquals("succeeded", job.path("status").asText(), job.toString());
            assertEquals(summary, job.path("summary"), job.toString());
            assertEquals(200, api.get("api/jobs/" + id + "/files/result.json").status());
            ServerClient.Response rerun = api.post("api/jobs/" + id + "/rerun", "");
            assertEquals(201, rerun.status(), "the request was rebuilt too: " + rerun.body());
            api.awaitFinished(rerun.json().path("id").asText(), Duration.ofSeconds(60));
        }
        assertArrayEquals(resultBytes, Files.readAllBytes(result), "job files untouched");
        try (Stream<Path> s = Files.list(home.resolve("server"))) {
            Path aside = s.filter(p -> p.getFileName().toString().startsWith("lab.mv.db.corrupt-")).findFirst().orElseThrow();
            assertArrayEquals(garbage, Files.readAllBytes(aside), "the damaged database is kept as it was");
        }
        String log = Files.readString(home.resolve("logs/server.log"));
        assertTrue(log.contains("was damaged") && log.contains("job " + id + " accepted"), log);
    }

    @Test
    void aSecondServerOnTheSameDataFolderSaysSoAndStops() throws Exception {
        Path home = ServerConfigIT.newHome("startup-twice-");
        LabFixture.writeConfig(home, "org.latentlab.server.cfg", ServerConfigIT.roots());
        try (ServerProcess first = ServerProcess.serving(home, null)) {
            try (ServerProcess second = ServerProcess.start(home)) {
                assertEquals(1, second.awaitExit(), second.output());
                String out = second.output().strip();
                assertEquals(1, out.lines().count(), out);
                assertEquals("serve: the data folder " + home + " is in use by another LatentLab server (its job database "
                        + home.resolve("server/lab.mv.db") + " is locked); stop that server first, or start this one with another "
                        + "data folder (--home DIR)", out);
            }
            assertEquals(200, first.api().get("api/services").status(), "the first one serves on");
        }
    }

    @Test
    void anAddressThatIsNotThisMachinesIsBadUsage() throws Exception {
        Path home = ServerConfigIT.newHome("startup-host-");
        for (String host : new String[] {"no-such-host.invalid", "192.0.2.1"}) {
            try (ServerProcess server = ServerProcess.start(home, "--host", host)) {
                assertEquals(2, server.awaitExit(), server.output());
                String out = server.output().strip();
                assertEquals(1, out.lines().count(), out);
                assertTrue(out.startsWith("serve: --host " + host + " "), out);
                assertTrue(out.contains("use 127.0.0.1") || out.contains("e.g. 127.0.0.1"), out);
            }
        }
    }
}
