package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A sweep as a job of the lab server: submitted with an inline spec, its progress names the cells as they run, its
 * files and report are served, and two finished sweeps compare side by side (the spec that differs, the summary
 * numbers, the decoded attractors of their galleries).
 */
class ServerSweepIT {

    static final Path MODELS = Path.of(System.getProperty("latentlab.it.models"));
    static final Duration JOB = Duration.ofMinutes(5);

    static String spec(int trainingSize) {
        return "{\"name\": \"server-" + trainingSize + "\", \"dataset\": \"mnist\", \"architecture\": {\"hidden\": [32], \"latentDim\": 4},"
                + " \"training\": {\"steps\": 30, \"batch\": 32, \"trainingSize\": " + trainingSize + "},"
                + " \"axes\": {\"seed\": [0, 1]},"
                + " \"analysis\": {\"trainSeeds\": 20, \"testSeeds\": 20, \"noiseSeeds\": 40, \"jacobianPoints\": 5, \"gallery\": 3}}";
    }

    @Test
    void aSweepRunsOnTheServerAndFinishedSweepsCompare() throws Exception {
        try (LabFixture lab = LabFixture.start("server-sweep")) {
            ServerClient api = lab.serve(MODELS);
            ObjectMapper om = new ObjectMapper();
            ServerClient.Response submitted = api.post("api/jobs", om.createObjectNode().put("experiment", "sweep")
                    .set("params", om.createObjectNode().put("spec", spec(16))).toString());
            assertEquals(201, submitted.status(), submitted.body());
            String a = submitted.json().path("id").asText();
            JsonNode cells = api.awaitStage(a, "cells", JOB);
            assertTrue(cells.at("/progress/message").asText().contains("cell"), "the progress names the cells: " + cells);
            JsonNode done = api.awaitFinished(a, JOB);
            assertEquals("succeeded", done.path("status").asText(), done.toString());

            String csv = api.get("api/jobs/" + a + "/files/sweep.csv").body();
            String[] lines = csv.split("\n");
            assertEquals(3, lines.length, csv);
            assertTrue(lines[0].startsWith("cell,status,seed,step,final,trainLoss"), lines[0]);
            assertTrue(lines[1].startsWith("c000,done,0,30,true,") && lines[2].startsWith("c001,done,1,30,true,"), csv);
            JsonNode sweep = api.get("api/jobs/" + a + "/files/sweep.json").json();
            assertEquals("latentlab-sweep/1", sweep.path("format").asText());
            assertEquals(2, sweep.path("done").asInt());
            String report = api.get("api/jobs/" + a + "/files/report.html").body();
            assertTrue(report.contains("Sweep server-16"), "the sweep's report is served");

            String b = succeededSweep(api, om, spec(64));
            JsonNode compared = api.get("api/jobs/compare?ids=" + a + "," + b).json();
            List<String> differing = new ArrayList<>();
            compared.path("differing").forEach(n -> differing.add(n.asText()));
            assertTrue(differing.contains("params.spec"), "the specs differ: " + differing);
            for (int i = 0; i < 2; i++) {
                assertEquals("sweep", compared.at("/jobs/" + i + "/experiment").asText());
                assertEquals(2, compared.at("/jobs/" + i + "/numbers/cells").asInt(), compared.toString());
                assertEquals(0, compared.at("/jobs/" + i + "/numbers/failed").asInt(), compared.toString());
                assertTrue(compared.at("/jobs/" + i + "/pictures").size() > 0, "gallery pictures: " + compared.at("/jobs/" + i));
            }
            for (JsonNode picture : compared.at("/jobs/0/pictures")) {
                ServerClient.Response png = api.get(picture.asText().replaceFirst("^/", ""));
                assertEquals(200, png.status(), picture.asText());
            }
        }
    }

    private static String succeededSweep(ServerClient api, ObjectMapper om, String spec) throws Exception {
        ServerClient.Response r = api.post("api/jobs", om.createObjectNode().put("experiment", "sweep")
                .set("params", om.createObjectNode().put("spec", spec)).toString());
        assertEquals(201, r.status(), r.body());
        String id = r.json().path("id").asText();
        JsonNode done = api.awaitFinished(id, JOB);
        assertEquals("succeeded", done.path("status").asText(), done.toString());
        return id;
    }
}
