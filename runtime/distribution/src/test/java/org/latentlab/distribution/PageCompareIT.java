package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Comparing finished jobs, over REST and on the page in a real Chromium: two small analyses that differ in
 * their strategy and an {@code it-echo} experiment job side by side (parameters that differ highlighted,
 * summary numbers, decoded attractors); a running job and an unknown one refused by name; a long,
 * multi-line text parameter (as a sweep's inline spec will be) sent from the page's experiment form.
 */
class PageCompareIT {

    static final Path MODELS = Path.of(System.getProperty("latentlab.it.models"));
    static final Duration JOB = Duration.ofSeconds(120);

    @Test
    void finishedJobsAreComparedSideBySide() throws Exception {
        PageBrowser.assumeInstalled();
        try (LabFixture lab = LabFixture.start("compare", "latentlab-it-probe")) {
            ServerClient api = lab.serve(MODELS);
            String memorizer = MODELS.resolve("memorizer").toString();
            String picard = succeeded(api, "{\"model\": \"" + memorizer + "\", \"seeds\": {\"noise\": 200, \"seed\": 1}, "
                    + "\"metrics\": [\"memorization\"]}");
            String anderson = succeeded(api, "{\"model\": \"" + memorizer + "\", \"seeds\": {\"noise\": 200, \"seed\": 1}, "
                    + "\"strategy\": \"anderson\", \"metrics\": [\"memorization\"]}");

            // REST: an analysis beside an experiment; a long multi-line text with slashes reaches the experiment as written
            String spec = longSpec();
            String echo = succeeded(api, new ObjectMapper().createObjectNode().put("experiment", "it-echo")
                    .set("params", new ObjectMapper().createObjectNode().put("message", spec)).toString());
            assertEquals(spec + "\n", api.get("api/jobs/" + echo + "/files/echo.txt").body(), "the whole spec, lines and all");
            JsonNode mixed = api.get("api/jobs/compare?ids=" + picard + "," + anderson + "," + echo).json();
            assertEquals("analysis", mixed.at("/jobs/0/kind").asText());
            assertEquals("experiment", mixed.at("/jobs/2/kind").asText());
            assertEquals("it-echo", mixed.at("/jobs/2/experiment").asText());
            assertEquals(spec, mixed.at("/jobs/2/parameters/params.message").asText());
            assertEquals("3", mixed.at("/jobs/2/parameters/params.stages").asText(), "the experiment's default, filled in");
            assertEquals(3, mixed.at("/jobs/2/numbers/stages").asInt(), "the experiment's summary values");
            assertTrue(mixed.at("/jobs/2/pictures").isArray() && mixed.at("/jobs/2/pictures").isEmpty(), "it-echo draws no attractors");
            assertTrue(mixed.at("/jobs/0/pictures").size() > 0, mixed.toString());
            List<String> differing = new ArrayList<>();
            mixed.path("differing").forEach(n -> differing.add(n.asText()));
            assertTrue(differing.containsAll(List.of("strategy", "strategyParams.history")), "anderson's own parameter: " + differing);
            for (String same : List.of("model", "seeds.noise", "clusterer", "experiment", "params.message")) {
                assertFalse(differing.contains(same), same + " is the same, or has no counterpart in the other kind: " + differing);
            }

            // refusals name the job
            String held = api.post("api/jobs", "{\"experiment\": \"it-echo\", \"params\": {\"hold\": true}}").json().path("id").asText();
            api.awaitStage(held, "holding", JOB);
            ServerIT.expect(api.get("api/jobs/compare?ids=" + picard + "," + held), 400, "job '" + held + "' is still running");
            ServerIT.expect(api.get("api/jobs/compare?ids=" + picard + ",job-gone"), 404, "no job 'job-gone'");
            api.post("api/jobs/" + held + "/cancel", "");
            assertEquals("cancelled", api.awaitFinished(held, JOB).path("status").asText());

            try (PageBrowser page = PageBrowser.open(lab, api)) {
                // an experiment from the page whose text parameter has several lines
                page.wait.until(d -> d.findElements(By.cssSelector("#experiments a[data-experiment='it-echo']")).size() == 1);
                page.find("#experiments a[data-experiment='it-echo']").click();
                WebElement message = page.find("#experiment-params textarea[data-param='message']");
                message.clear();
                message.sendKeys("first line\nsecond/line {\"a\": 1}");
                assertEquals("2", message.getAttribute("rows"), "the text area grows with its lines");
                page.find("#experiment-submit").click();
                page.wait.until(ExpectedConditions.textToBe(By.id("job-status"), "succeeded"));
                String typed = page.find("#job-id").getText();
                assertEquals("first line\nsecond/line {\"a\": 1}", api.get("api/jobs/" + typed).json().at("/request/params/message").asText(),
                        "sent with its line break");

                // the two analyses: only what differs, then every parameter
                pick(page, picard);
                pick(page, anderson);
                page.wait.until(d -> page.find("#compare-button").isEnabled());
                assertEquals("Compare 2 jobs", page.find("#compare-button").getText());
                page.find("#compare-button").click();
                page.wait.until(d -> page.texts("#compare-table thead th[data-column] b").equals(List.of(picard, anderson)));
                assertEquals(List.of("picard", "anderson"), page.texts("#compare-table tr.param.differs[data-name='strategy'] td"));
                assertTrue(page.all("#compare-table tr.param[data-name='seeds.noise']").isEmpty(), "the same in both: not shown");
                page.find("#compare-all").click();
                page.wait.until(d -> !page.all("#compare-table tr.param[data-name='seeds.noise']").isEmpty());
                WebElement noise = page.find("#compare-table tr.param[data-name='seeds.noise']");
                assertFalse(noise.getAttribute("class").contains("differs"), "shown, not highlighted");
                assertEquals(List.of("200", "200"), page.texts("#compare-table tr.param[data-name='seeds.noise'] td"));
                page.find("#compare-all").click();
                page.wait.until(d -> page.all("#compare-table tr.param[data-name='seeds.noise']").isEmpty());
                page.find("#compare-close").click();

                // all three: the experiment's column has its parameters and numbers, no pictures
                pick(page, typed);
                page.wait.until(d -> page.find("#compare-button").getText().equals("Compare 3 jobs"));
                page.find("#compare-button").click();
                page.wait.until(d -> page.texts("#compare-table thead th[data-column] b").equals(List.of(picard, anderson, typed)));
                assertEquals(List.of("picard", "anderson", "—"), page.texts("#compare-table tr.param.differs[data-name='strategy'] td"));
                assertTrue(page.all("#compare-table tr.param[data-name='experiment']").isEmpty(), "only what differs is shown");
                page.find("#compare-all").click();
                page.wait.until(d -> page.texts("#compare-table tr.param[data-name='experiment'] td").equals(List.of("—", "—", "it-echo")));
                assertFalse(page.find("#compare-table tr.param[data-name='experiment']").getAttribute("class").contains("differs"));
                List<String> attractors = List.of(attractors(api, picard), attractors(api, anderson), "—");
                assertEquals(attractors, page.texts("#compare-table tr.number[data-name='attractors'] td"));
                assertEquals(List.of("—", "—", "3"), page.texts("#compare-table tr.number[data-name='stages'] td"));
                page.awaitPicturesLoaded("#compare-table tr.pictures td:nth-of-type(1) img");
                page.awaitPicturesLoaded("#compare-table tr.pictures td:nth-of-type(2) img");
                assertEquals("none", page.find("#compare-table tr.pictures td:nth-of-type(3)").getText());
                String multiLine = page.find("#compare-table tr.param[data-name='params.message'] td:nth-of-type(3)").getText();
                assertTrue(multiLine.startsWith("first line"), "a long or multi-line value folds to its first line: " + multiLine);
                page.assertNothingBlocked();
                page.screenshot("compare.png");
            }
        }
    }

    /** Ticks a job's box in the jobs table, which the page redraws every few seconds, until it stays ticked. */
    private static void pick(PageBrowser page, String id) {
        String box = "#jobs input[data-pick='" + id + "']";
        page.wait.until(d -> {
            List<WebElement> found = page.all(box);
            if (found.isEmpty()) {
                return false;
            }
            if (!found.get(0).isSelected()) {
                found.get(0).click();
            }
            return page.find(box).isSelected();
        });
    }

    private static String attractors(ServerClient api, String id) throws Exception {
        return api.get("api/jobs/" + id).json().at("/summary/attractors").asText();
    }

    private static String succeeded(ServerClient api, String body) throws Exception {
        ServerClient.Response r = api.post("api/jobs", body);
        assertEquals(201, r.status(), r.body());
        String id = r.json().path("id").asText();
        JsonNode done = api.awaitFinished(id, JOB);
        assertEquals("succeeded", done.path("status").asText(), done.toString());
        return id;
    }

    /** About 20 kB of JSON over many lines, with slashes in its texts: the size of a sweep's inline spec. */
    static String longSpec() {
        StringBuilder s = new StringBuilder("{\n  \"name\": \"latent size / weight decay\",\n  \"cells\": [\n");
        for (int i = 0; s.length() < 20_000; i++) {
            s.append("    {\"latentDim\": ").append(8 + i % 24).append(", \"weightDecay\": 1e-").append(i % 6)
                    .append(", \"note\": \"cell ").append(i).append(" of a/b\"},\n");
        }
        return s.append("    {\"latentDim\": 32}\n  ]\n}").toString();
    }
}
