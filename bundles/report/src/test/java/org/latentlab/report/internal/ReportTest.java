package org.latentlab.report.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.attractor.FixedPointKind;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.api.report.ReportCanvas;
import org.latentlab.api.report.ReportSection;
import org.latentlab.api.result.FieldValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report page from a hand-made result: its own parts, contributed sections, failures, pictures. */
class ReportTest {

    @TempDir
    Path out;

    /** 4 seeds: 3 converged (two to attractor #0, one to the saddle #1), 1 diverged. */
    static AnalysisResult result() {
        ModelSpec spec = new ModelSpec(Path.of("/models/m"), "m<1>", new int[] {16}, 2, "e", "d", null);
        List<Attractor> atts = List.of(
                new Attractor(0, new float[] {0, 0}, 2, 0.5, 0.6, true, FixedPointKind.ATTRACTOR, 4, 3),
                new Attractor(1, new float[] {1, 1}, 1, 1.5, 1.6, false, FixedPointKind.SADDLE, 9, Double.NaN));
        List<Trajectory> ts = List.of(new Trajectory(0, new float[] {0, 0}, 4, true, false, 1, 0, null),
                new Trajectory(1, new float[] {0, 0}, 4, true, false, 1, 0, null),
                new Trajectory(2, new float[] {1, 1}, 9, true, false, 1, 0, null),
                new Trajectory(3, new float[] {9, 9}, 2, false, true, 1, 0, null));
        return new AnalysisResult(spec, "hand", Tensor.matrix(4, 2, new float[8]), "picard", Parameters.EMPTY, "cosine",
                Parameters.EMPTY, atts, ts, new int[] {0, 0, 1, -1}, Map.of(), 1500);
    }

    /** A section made of lambdas. */
    record TestSection(String id, int order, boolean applies, Optional<String> hintText, Drawing drawing)
            implements ReportSection<AnalysisResult> {
        interface Drawing {
            void draw(AnalysisResult r, ReportCanvas c) throws IOException;
        }

        public Class<AnalysisResult> resultType() {
            return AnalysisResult.class;
        }

        public boolean appliesTo(AnalysisResult result) {
            return applies;
        }

        public Optional<String> hint(AnalysisResult result) {
            return hintText;
        }

        public void render(AnalysisResult result, ReportCanvas canvas) throws IOException {
            drawing.draw(result, canvas);
        }
    }

    static TestSection section(String id, int order, TestSection.Drawing drawing) {
        return new TestSection(id, order, true, Optional.empty(), drawing);
    }

    static List<String> ids(Page page) {
        return page.parts().stream().map(Page.Part::section).toList();
    }

    Page page(List<ReportSection<?>> sections, Map<String, Object> params) {
        return HtmlReportExporter.page(result(), new Parameters(params), sections, out.resolve("report"));
    }

    @Test
    void aMixedPrecisionRunSaysHowManyEvaluationsEachMapTook() {
        AnalysisResult r = result();
        AnalysisResult mixed = new AnalysisResult(r.model(), r.seedOrigin(), r.seeds(), r.strategy(), r.strategyParams(),
                r.clusterer(), r.clustererParams(), r.attractors(), r.trajectories(), r.labels(), r.metrics(), r.elapsedMillis(),
                new org.latentlab.api.result.SeedSummary(4, 3, 1, 44967), r.perSeed(), null, 296756);
        String line = AnalysisSummary.lines(mixed, List.of()).stream().filter(l -> l.startsWith("Mixed precision"))
                .findFirst().orElseThrow();
        assertTrue(line.contains("<b>296,756</b> evaluations of the model's bfloat16 version"), line);
        assertTrue(line.contains("then <b>44,967</b> of the model itself"), line);
        assertTrue(AnalysisSummary.lines(r, List.of()).stream().noneMatch(l -> l.startsWith("Mixed precision")));
    }

    @Test
    void sectionsAreOrderedByOrderThenIdAmongTheReportsOwn() {
        Page page = page(List.of(section("zeta", 200, (r, c) -> c.heading("Z")), section("late", 950, (r, c) -> c.heading("L")),
                section("alpha", 200, (r, c) -> c.heading("A"))), Map.of());
        assertEquals(List.of("attractors", "alpha", "zeta", "basins", "stability", "files", "late"), ids(page));
        assertTrue(page.problems().isEmpty());
    }

    @Test
    void aSectionThatThrowsIsLeftOutAndNamedWhileTheOthersAreDrawn() throws Exception {
        TestSection broken = section("broken", 200, (r, c) -> {
            c.heading("Half drawn");
            c.summary("never shown");
            throw new IllegalStateException("no data\nfor this");
        });
        TestSection vanished = new TestSection("vanished", 210, true, Optional.empty(), (r, c) -> {
            throw new NoClassDefFoundError("org/example/Gone");
        });
        TestSection fine = section("fine", 250, (r, c) -> c.paragraph("still here"));
        Page page = page(List.of(broken, vanished, fine), Map.of());
        assertEquals(List.of("attractors", "fine", "basins", "stability", "files"), ids(page));
        assertEquals(List.of(new Page.Problem("broken", "IllegalStateException: no data for this"),
                new Page.Problem("vanished", "NoClassDefFoundError: org/example/Gone")), page.problems());
        assertFalse(page.summary().contains("never shown"), "a failed section's summary lines are dropped too");
        String html = PageTemplate.render(page);
        assertTrue(html.contains("section <code>broken</code>: IllegalStateException: no data for this"), html);
        assertFalse(html.contains("Half drawn"), "nothing of the failed section is on the page");
        assertTrue(html.contains("<p>still here</p>"));
    }

    @Test
    void aSectionThatDoesNotApplyShowsItsHintAndSectionsForOtherResultsAreSkipped() {
        TestSection absent = new TestSection("absent", 400, false, Optional.of("Run with the metric x < y."), (r, c) -> {
            throw new AssertionError("not drawn when it does not apply");
        });
        ReportSection<String> other = new ReportSection<>() {
            public String id() {
                return "experiment";
            }

            public Class<String> resultType() {
                return String.class;
            }

            public int order() {
                return 1;
            }

            public boolean appliesTo(String result) {
                throw new AssertionError("never asked about an analysis");
            }

            public void render(String result, ReportCanvas canvas) {}
        };
        Page page = page(List.of(absent, other), Map.of());
        assertFalse(ids(page).contains("experiment"));
        Page.Part hint = page.parts().stream().filter(p -> p.section().equals("absent")).findFirst().orElseThrow();
        assertEquals("<p class='note'>Run with the metric x &lt; y.</p>", hint.html());
        assertTrue(page.problems().isEmpty());
    }

    @Test
    void summaryHasTheReportsLinesThenEachSectionsInOrderEscaped() {
        Page page = page(List.of(section("b", 300, (r, c) -> c.summary("second & last")), section("a", 200,
                (r, c) -> c.summary("first <b>"))), Map.of("groups", "test:2,noise:2"));
        List<String> s = page.summary();
        assertEquals("<b>3 of 4</b> trajectories converged (1 diverged); they end in <b>2 distinct attractors</b>.", s.get(0));
        assertEquals("The largest basin (attractor #0) collects 50% of the seeds; the five largest together 75%.", s.get(1));
        assertEquals("1 of 2 are stable (every Jacobian eigenvalue inside the unit circle); median spectral radius 1.500.",
                s.get(2));
        assertEquals("1 fixed point is a saddle: the strategy reached an unstable point too.", s.get(3));
        assertEquals("Seeds from <b>test</b> (2): 2 converged, reaching 1 attractor.", s.get(4));
        assertEquals("Seeds from <b>noise</b> (2): 1 converged, reaching 1 attractor.", s.get(5));
        assertEquals("0% of the converged noise seeds end in attractors that test seeds also reach: the attractors form a "
                + "dictionary shared by both.", s.get(6));
        assertEquals(List.of("first &lt;b&gt;", "second &amp; last"), s.subList(7, 9));
    }

    @Test
    void basinsAreCountedPerSeedGroup() {
        Page page = page(List.of(), Map.of("groups", "test:2,noise:2"));
        String basins = page.parts().stream().filter(p -> p.section().equals("basins")).findFirst().orElseThrow().html();
        assertTrue(basins.contains("<title>attractor #0, test: 2</title>"), basins);
        assertTrue(basins.contains("<title>attractor #0, noise: 0</title>"), basins);
        assertTrue(basins.contains("<title>attractor #1, noise: 1</title>"), basins);
        assertTrue(basins.contains("■</span> noise"), "a legend names the groups");
    }

    @Test
    void picturesAreWrittenAsPngBesideTheReportAndOtherShapesAreNot() throws Exception {
        float[] ramp = new float[16];
        for (int i = 0; i < 16; i++) {
            ramp[i] = i / 15f;
        }
        List<Optional<String>> srcs = new ArrayList<>();
        Page page = page(List.of(section("pics", 200, (r, c) -> {
            srcs.add(c.image("ramp", new FieldValue.Image(new int[] {16}, ramp)));
            srcs.add(c.image("vector", new FieldValue.Image(new int[] {3}, new float[] {1, 2, 3})));
        }), section("evil", 210, (r, c) -> c.image("../outside", new FieldValue.Image(new int[] {16}, ramp)))), Map.of());
        assertEquals(List.of(Optional.of("report/ramp.png"), Optional.empty()), srcs);
        Path png = out.resolve("report/ramp.png");
        assertEquals(List.of(png), page.files());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(96, img.getWidth(), "a 4x4 picture scaled to 96 pixels");
        assertEquals(0x000000, img.getRGB(0, 0) & 0xFFFFFF, "value 0 is black");
        assertEquals(0xFFFFFF, img.getRGB(95, 95) & 0xFFFFFF, "value 1 is white");
        assertEquals(0x111111, img.getRGB(24, 0) & 0xFFFFFF, "the second value, 1/15, is grey 17 (0x11)");
        assertFalse(Files.exists(out.resolve("outside.png")));
        assertEquals("evil", page.problems().get(0).section(), "a picture name that leaves the folder is refused");
    }
}
