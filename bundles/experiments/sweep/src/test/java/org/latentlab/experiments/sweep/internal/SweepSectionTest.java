package org.latentlab.experiments.sweep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.latentlab.api.report.Plot;
import org.latentlab.api.report.ReportCanvas;
import org.latentlab.api.result.FieldValue;
import org.latentlab.api.sweep.CellAnalysis;
import org.latentlab.api.sweep.CellMeasures;
import org.latentlab.api.sweep.CellResult;
import org.latentlab.api.sweep.SeedSetMeasures;
import org.latentlab.api.sweep.SweepCell;
import org.latentlab.api.training.TrainingConfig;

/**
 * The sweep report drawn on a recording canvas: lines per recipe with seed means computed here independently,
 * the baseline, failed and NaN cells left out of charts but kept in the table, dynamics only for checkpointed
 * cells, the gallery's cards, the fallback x axis and the contraction charts.
 */
class SweepSectionTest {

    static final String[] SIZES = {"64", "256", "1024"};
    static final String[] DIMS = {"8", "16"};
    static final String[] SEEDS = {"0", "1"};
    static final int FAILED = 7; // trainingSize 256, latentDim 16, seed 1
    static final int NAN_NOISE = 3; // trainingSize 64, latentDim 16, seed 1: no attractor from noise
    static final int CHECKPOINTED = 8; // trainingSize 1024, latentDim 8, seed 0
    static final double EPS = 1e-12;

    // ---- the recording canvas -------------------------------------------------------------------------------

    record Polyline(String color, double[][] points) {}

    record Line(double x0, double y0, double x1, double y1, String color) {}

    record Circle(double x, double y, String fill, String title) {}

    record Table(List<String> header, List<List<String>> rows) {}

    /** Records every primitive; pixels per unit as for a 300 x 200 pixel plot area. */
    static final class FakePlot implements Plot {
        final double x0;
        final double x1;
        final double y0;
        final double y1;
        final List<Polyline> polylines = new ArrayList<>();
        final List<Line> lines = new ArrayList<>();
        final List<Circle> circles = new ArrayList<>();
        final List<String> texts = new ArrayList<>();
        String xLabel;
        String yLabel;

        FakePlot(double x0, double x1, double y0, double y1) {
            this.x0 = x0;
            this.x1 = x1;
            this.y0 = y0;
            this.y1 = y1;
        }

        public Plot line(double a, double b, double c, double d, String color, double w, double o) {
            lines.add(new Line(a, b, c, d, color));
            return this;
        }

        public Plot polyline(double[][] points, String color, double w, double o) {
            polylines.add(new Polyline(color, points));
            return this;
        }

        public Plot arrow(double x, double y, double dx, double dy, String color) {
            return this;
        }

        public Plot circle(double x, double y, double r, String fill, String stroke, String title) {
            circles.add(new Circle(x, y, fill, title));
            return this;
        }

        public Plot rect(double a, double b, double c, double d, String fill, String title) {
            return this;
        }

        public Plot text(double x, double y, String text, String anchor, int size) {
            texts.add(text);
            return this;
        }

        public Plot axes(String xLabel, String yLabel) {
            this.xLabel = xLabel;
            this.yLabel = yLabel;
            return this;
        }

        public double pixelsPerUnitX() {
            return 300 / (x1 - x0);
        }

        public double pixelsPerUnitY() {
            return 200 / (y1 - y0);
        }

        List<Polyline> coloured() {
            return polylines.stream().filter(p -> !p.color().equals(SweepCharts.GREY)).toList();
        }
    }

    /** Records what the section adds, grouped under the heading it came after. */
    static final class Canvas implements ReportCanvas {
        final List<String> headings = new ArrayList<>();
        final List<String> summary = new ArrayList<>();
        final Map<String, List<FakePlot>> plots = new LinkedHashMap<>();
        final Map<String, List<String>> notes = new LinkedHashMap<>(); // notes and legend markup per heading
        final List<Table> tables = new ArrayList<>();
        final List<List<Card>> galleries = new ArrayList<>();
        final Map<String, FieldValue.Image> images = new LinkedHashMap<>();
        String heading = "";

        public void heading(String text) {
            headings.add(text);
            heading = text;
        }

        public void paragraph(String text) {}

        public void note(String text) {
            notes.computeIfAbsent(heading, k -> new ArrayList<>()).add(text);
        }

        public void summary(String text) {
            summary.add(text);
        }

        public void table(List<String> header, List<List<String>> rows) {
            rows.forEach(r -> assertEquals(header.size(), r.size(), "row " + r));
            tables.add(new Table(header, rows));
        }

        public Optional<String> image(String name, FieldValue.Image image) {
            images.put(name, image);
            return Optional.of("report/" + name + ".png");
        }

        public void gallery(List<Card> cards) {
            galleries.add(cards);
        }

        public Plot newPlot(int width, int height, double x0, double x1, double y0, double y1) {
            assertTrue(x1 > x0 && y1 > y0, "plot range " + x0 + ".." + x1 + " x " + y0 + ".." + y1);
            return new FakePlot(x0, x1, y0, y1);
        }

        public void plot(Plot plot, String caption) {
            plots.computeIfAbsent(heading, k -> new ArrayList<>()).add((FakePlot) plot);
        }

        public void plots(List<Plot> list) {
            list.forEach(p -> plot(p, ""));
        }

        public String color(int attractorId) {
            return "#c" + attractorId;
        }

        public void html(String fragment) {
            notes.computeIfAbsent(heading, k -> new ArrayList<>()).add(fragment);
        }
    }

    // ---- the grid built by hand -----------------------------------------------------------------------------

    static double noiseMem(int si, int di, int ki) {
        return 0.95 - 0.15 * si + 0.02 * di + 0.04 * ki;
    }

    static double baseline(int si, int di, int ki) {
        return 0.6 + 0.05 * si + 0.003 * di + 0.001 * ki;
    }

    static int noiseAttractors(int si, int di, int ki) {
        return 10 + 5 * si + di + ki;
    }

    static SeedSetMeasures set(String seeds, int attractors, double mem, double rho) {
        return new SeedSetMeasures(seeds, 64, 60, attractors, mem, mem, 0.5, rho, rho, rho, 2);
    }

    static CellMeasures row(int step, boolean isFinal, double trainLoss, double baseline, double contraction, int noiseAttractors,
            double noiseMem, double noiseRho, double trainRho) {
        return new CellMeasures(step, isFinal, trainLoss, 2 * trainLoss, baseline, contraction, contraction, contraction,
                List.of(set("train", 20, 0.99, trainRho), set("test", 15, 0.9, Double.NaN), set("noise", noiseAttractors, noiseMem, noiseRho)));
    }

    static SweepCell cell(int index, Map<String, String> axes) {
        CellAnalysis analysis = new CellAnalysis(64, 64, 256, 1.0, 7L, 64, 8, "picard", Map.of(), "cosine", Map.of());
        return new SweepCell(String.format("c%03d", index), index, axes, "mnist", TrainingConfig.defaults(), List.of(), analysis, "h");
    }

    static FieldValue.Image picture(float v) {
        float[] values = new float[16];
        java.util.Arrays.fill(values, v);
        return new FieldValue.Image(new int[] {4, 4}, values);
    }

    static final SweepResult.Gallery GALLERY = new SweepResult.Gallery("c000", "trainingSize=64, latentDim=8, seed=0",
            List.of(picture(0.1f), picture(0.2f)), List.of(picture(0.3f), picture(0.4f)), new double[] {0.98, 0.61},
            new double[] {0.625, 0.375});

    /** 3 training sizes x 2 latent dimensions x 2 seeds in grid order; c007 failed, c003 no noise attractor, c008 checkpointed. */
    static SweepResult grid(boolean checkpoints) {
        Map<String, List<String>> axes = new LinkedHashMap<>();
        axes.put("trainingSize", List.of(SIZES));
        axes.put("latentDim", List.of(DIMS));
        axes.put("seed", List.of(SEEDS));
        List<CellResult> cells = new ArrayList<>();
        for (int si = 0; si < 3; si++) {
            for (int di = 0; di < 2; di++) {
                for (int ki = 0; ki < 2; ki++) {
                    int index = cells.size();
                    Map<String, String> values = new LinkedHashMap<>();
                    values.put("trainingSize", SIZES[si]);
                    values.put("latentDim", DIMS[di]);
                    values.put("seed", SEEDS[ki]);
                    SweepCell cell = cell(index, values);
                    CellMeasures last = row(1000, true, 0.01 * (si + 1), baseline(si, di, ki), 0.4 + 0.1 * si, noiseAttractors(si, di, ki),
                            noiseMem(si, di, ki), 0.3, 0.2);
                    if (index == FAILED) {
                        // A failed cell that kept rows (a checkpoint and a final row with zeros): none of them may be drawn.
                        cells.add(new CellResult(cell, CellResult.Status.FAILED, "training diverged: loss NaN at step 412",
                                List.of(row(10, false, 0, 0, 0, 0, 0, 0, 0), row(1000, true, 0, 0, 0, 0, 0, 0, 0)), 1500, "h1"));
                    } else if (index == NAN_NOISE) {
                        cells.add(new CellResult(cell, CellResult.Status.DONE, null, List.of(row(1000, true, 0.01, baseline(si, di, ki),
                                0.4, 0, Double.NaN, Double.NaN, 0.2)), 2000, "h1"));
                    } else if (index == CHECKPOINTED && checkpoints) {
                        cells.add(new CellResult(cell, CellResult.Status.DONE, null, List.of(
                                row(10, false, 0.5, 0.7, 2.0, 3, 0.5, 0.9, 0.8),
                                row(100, false, 0.1, 0.7, 1.0, 6, 0.6, 0.5, 0.4), last), 3000, "h2"));
                    } else {
                        cells.add(new CellResult(cell, CellResult.Status.DONE, null, List.of(last), 2500, "h1"));
                    }
                }
            }
        }
        return new SweepResult("size-study", "mnist", axes, cells, List.of(GALLERY), Map.of("architecture", "mlp"));
    }

    static boolean counted(int si, int di, int ki) {
        int index = (si * 2 + di) * 2 + ki;
        return index != FAILED;
    }

    /** The seed mean of the noise memorization of finished cells, NaNs left out. */
    static double expectedMem(int si, int di) {
        double sum = 0;
        int n = 0;
        for (int ki = 0; ki < 2; ki++) {
            int index = (si * 2 + di) * 2 + ki;
            if (counted(si, di, ki) && index != NAN_NOISE) {
                sum += noiseMem(si, di, ki);
                n++;
            }
        }
        return sum / n;
    }

    /** The baseline at a training size: mean over every finished cell of that size. */
    static double expectedBaseline(int si) {
        double sum = 0;
        int n = 0;
        for (int di = 0; di < 2; di++) {
            for (int ki = 0; ki < 2; ki++) {
                if (counted(si, di, ki)) {
                    sum += baseline(si, di, ki);
                    n++;
                }
            }
        }
        return sum / n;
    }

    static Canvas render(SweepResult r) throws Exception {
        Canvas c = new Canvas();
        SweepSection section = new SweepSection();
        assertTrue(section.appliesTo(r));
        section.render(r, c);
        return c;
    }

    static void assertPoints(double[][] expected, double[][] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": points");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i][0], actual[i][0], EPS, what + ": x of point " + i);
            assertEquals(expected[i][1], actual[i][1], EPS, what + ": y of point " + i);
        }
    }

    // ---- the tests ------------------------------------------------------------------------------------------

    @Test
    void memorizationHasOneLinePerLatentDimAtTheSeedMeansAndTheBaseline() throws Exception {
        Canvas c = render(grid(true));
        List<FakePlot> charts = c.plots.get("Memorization vs trainingSize");
        assertEquals(1, charts.size());
        FakePlot mem = charts.get(0);
        assertEquals("log₁₀ trainingSize", mem.xLabel);
        assertEquals(2, mem.coloured().size(), "one line per latentDim, the seed averaged out");
        for (int di = 0; di < 2; di++) {
            double[][] expected = new double[3][];
            for (int si = 0; si < 3; si++) {
                expected[si] = new double[] {Math.log10(Double.parseDouble(SIZES[si])), expectedMem(si, di)};
            }
            assertPoints(expected, mem.coloured().get(di).points(), "latentDim " + DIMS[di]);
        }
        // The min-max bar of latentDim 8 at size 64 spans its two seeds.
        String color8 = mem.coloured().get(0).color();
        assertTrue(mem.lines.contains(new Line(Math.log10(64), noiseMem(0, 0, 0), Math.log10(64), noiseMem(0, 0, 1), color8)),
                "seed range bar");
        String legend = String.join(" ", c.notes.get("Memorization vs trainingSize"));
        assertTrue(legend.indexOf("latentDim=8") >= 0 && legend.indexOf("latentDim=8") < legend.indexOf("latentDim=16"), legend);
        assertTrue(legend.contains("test-image baseline"), legend);

        // The baseline: grey dashes lying on the line through the per-size means, one starting at each of the first sizes.
        List<Line> grey = mem.lines.stream().filter(l -> l.color().equals(SweepCharts.GREY)).toList();
        assertFalse(grey.isEmpty(), "baseline drawn");
        double[] bx = new double[3];
        double[] by = new double[3];
        for (int si = 0; si < 3; si++) {
            bx[si] = Math.log10(Double.parseDouble(SIZES[si]));
            by[si] = expectedBaseline(si);
        }
        for (Line l : grey) {
            assertEquals(interpolate(bx, by, l.x0()), l.y0(), 1e-9, "dash start on the baseline " + l);
            assertEquals(interpolate(bx, by, l.x1()), l.y1(), 1e-9, "dash end on the baseline " + l);
        }
        for (int si = 0; si < 2; si++) {
            int s = si;
            assertTrue(grey.stream().anyMatch(l -> Math.abs(l.x0() - bx[s]) < EPS && Math.abs(l.y0() - by[s]) < EPS),
                    "a dash starts at the baseline of size " + SIZES[si]);
        }
        assertTrue(mem.texts.contains("test-image baseline"));
        assertTrue(mem.texts.containsAll(List.of(SIZES)), "ticks labelled with the sizes: " + mem.texts);
        assertTrue(c.summary.get(1).contains("at trainingSize 64"), c.summary.toString());
    }

    static double interpolate(double[] xs, double[] ys, double x) {
        for (int i = 0; i < xs.length - 1; i++) {
            if (x >= xs[i] - EPS && x <= xs[i + 1] + EPS) {
                return ys[i] + (x - xs[i]) / (xs[i + 1] - xs[i]) * (ys[i + 1] - ys[i]);
            }
        }
        throw new AssertionError("x " + x + " outside the baseline");
    }

    @Test
    void attractorChartsShowNoiseAndTrainPanels() throws Exception {
        Canvas c = render(grid(true));
        List<FakePlot> panels = c.plots.get("Attractors vs trainingSize");
        assertEquals(2, panels.size());
        assertEquals(SweepSection.ATTRACTORS_NOISE_Y, panels.get(0).yLabel);
        assertEquals(SweepSection.ATTRACTORS_TRAIN_Y, panels.get(1).yLabel);
        // latentDim 16 at size 64: seed 1 found no attractor from noise, it counts 0 (a count, not a NaN).
        double[][] expected = new double[3][];
        for (int si = 0; si < 3; si++) {
            double sum = 0;
            int n = 0;
            for (int ki = 0; ki < 2; ki++) {
                if (counted(si, 1, ki)) {
                    sum += (si * 2 + 1) * 2 + ki == NAN_NOISE ? 0 : noiseAttractors(si, 1, ki);
                    n++;
                }
            }
            expected[si] = new double[] {Math.log10(Double.parseDouble(SIZES[si])), sum / n};
        }
        assertPoints(expected, panels.get(0).coloured().get(1).points(), "noise attractors, latentDim 16");
    }

    @Test
    void failedCellIsInTheTableWithItsErrorAndInNoChart() throws Exception {
        Canvas c = render(grid(true));
        Table cells = c.tables.get(0);
        assertEquals(List.of("cell", "trainingSize", "latentDim", "seed", "status"), cells.header().subList(0, 5));
        assertEquals(12, cells.rows().size());
        List<String> failed = cells.rows().get(FAILED);
        assertEquals(List.of("c007", "256", "16", "1", "failed: training diverged: loss NaN at step 412"), failed.subList(0, 5));
        assertEquals("–", failed.get(cells.header().indexOf("train loss")));
        assertEquals("–", cells.rows().get(NAN_NOISE).get(cells.header().indexOf("noise mem")));
        assertEquals("0", cells.rows().get(NAN_NOISE).get(cells.header().indexOf("noise attractors")));
        assertEquals("–", cells.rows().get(0).get(cells.header().indexOf("test ρ")), "a NaN is shown as a dash");
        assertEquals("0.6", cells.rows().get(0).get(cells.header().indexOf("mem baseline")));
        assertTrue(c.summary.get(0).contains("1 failed"), c.summary.get(0));
        // The failed cell's rows are zeros: no point of any chart is at y = 0 except counts of a finished cell.
        for (Map.Entry<String, List<FakePlot>> e : c.plots.entrySet()) {
            for (FakePlot p : e.getValue()) {
                for (Polyline l : p.coloured()) {
                    for (double[] q : l.points()) {
                        assertTrue(q[1] != 0 || e.getKey().startsWith("Attractors"), e.getKey() + ": a point at 0");
                    }
                }
            }
        }
    }

    @Test
    void dynamicsOnlyForTheCheckpointedCell() throws Exception {
        Canvas with = render(grid(true));
        List<FakePlot> panels = with.plots.get(SweepSection.DYNAMICS_HEADING);
        assertNotNull(panels, with.headings.toString());
        assertEquals(List.of(SweepSection.ATTRACTORS_NOISE_Y, SweepSection.MEMORIZATION_SHORT_Y, "train loss", "test loss"),
                panels.stream().map(p -> p.yLabel).toList());
        for (FakePlot p : panels) {
            assertEquals(1, p.coloured().size(), "one line: the failed cell's checkpoint row is not drawn");
            assertEquals("log₁₀ step", p.xLabel, "steps 10 to 1000 span more than a factor 20");
        }
        assertPoints(new double[][] {{1, 3}, {2, 6}, {3, noiseAttractors(2, 0, 0)}}, panels.get(0).coloured().get(0).points(),
                "attractors over steps");
        assertPoints(new double[][] {{1, 0.5}, {2, 0.1}, {3, 0.03}}, panels.get(2).coloured().get(0).points(), "train loss");
        assertTrue(String.join(" ", with.notes.get(SweepSection.DYNAMICS_HEADING)).contains("c008"));

        Canvas without = render(grid(false));
        assertFalse(without.headings.contains(SweepSection.DYNAMICS_HEADING), without.headings.toString());
        assertFalse(with.headings.contains("Contraction"), "no weightDecay, initScale or augmentation axis");
    }

    @Test
    void galleryHasACardPerAttractorWithBothPictures() throws Exception {
        Canvas c = render(grid(true));
        assertTrue(c.headings.contains("Decoded attractors: trainingSize=64, latentDim=8, seed=0"), c.headings.toString());
        assertEquals(1, c.galleries.size());
        List<ReportCanvas.Card> cards = c.galleries.get(0);
        assertEquals(2, cards.size());
        assertEquals(List.of("mem 0.980", "basin 62.5%"), cards.get(0).lines());
        assertEquals(List.of("mem 0.610", "basin 37.5%"), cards.get(1).lines());
        assertEquals("#c1", cards.get(1).accent());
        ReportCanvas.Card second = cards.get(1);
        assertEquals(List.of("report/sweep-c000-attractor-1.png", "report/sweep-c000-nearest-1.png"),
                second.figures().stream().map(ReportCanvas.Figure::src).toList());
        assertEquals(picture(0.2f), c.images.get("sweep-c000-attractor-1"));
        assertEquals(picture(0.4f), c.images.get("sweep-c000-nearest-1"));
    }

    /** No trainingSize axis: the first numeric axis (weightDecay, linear since it starts at 0) is x; contraction per value. */
    @Test
    void fallbackAxisAndContraction() throws Exception {
        Map<String, List<String>> axes = new LinkedHashMap<>();
        axes.put("augmentation", List.of("none", "noise:0.1"));
        axes.put("weightDecay", List.of("0", "0.0001"));
        double[][] contraction = {{0.9, 0.7}, {0.5, 0.2}}; // [augmentation][weightDecay]
        List<CellResult> cells = new ArrayList<>();
        for (int a = 0; a < 2; a++) {
            for (int w = 0; w < 2; w++) {
                Map<String, String> values = new LinkedHashMap<>();
                values.put("augmentation", axes.get("augmentation").get(a));
                values.put("weightDecay", axes.get("weightDecay").get(w));
                cells.add(new CellResult(cell(cells.size(), values), CellResult.Status.DONE, null,
                        List.of(row(500, true, 0.02, 0.7, contraction[a][w], 5, 0.8 - 0.1 * w + 0.05 * a, 0.4, 0.3)), 100, "h"));
            }
        }
        Canvas c = render(new SweepResult("reg", "mnist", axes, cells, List.of(), Map.of()));

        FakePlot mem = c.plots.get("Memorization vs weightDecay").get(0);
        assertEquals("weightDecay", mem.xLabel);
        assertEquals(2, mem.coloured().size(), "one line per augmentation");
        assertPoints(new double[][] {{0, 0.85}, {0.0001, 0.75}}, mem.coloured().get(1).points(), "augmentation=noise:0.1");

        List<FakePlot> panels = c.plots.get("Contraction");
        assertEquals(4, panels.size(), "contraction and ρ for each of augmentation and weightDecay");
        FakePlot byDecay = panels.get(0); // weightDecay comes first, as in SweepSection.CONTRACTION_AXES
        assertEquals(SweepSection.CONTRACTION_Y, byDecay.yLabel);
        assertPoints(new double[][] {{0, (0.9 + 0.5) / 2}, {1, (0.7 + 0.2) / 2}}, byDecay.coloured().get(0).points(),
                "contraction mean per weightDecay");
        assertTrue(byDecay.lines.contains(new Line(1, 0.2, 1, 0.7, SweepCharts.COLORS[0])), "min-max over augmentation");
        assertTrue(byDecay.texts.containsAll(List.of("0", "0.0001")), byDecay.texts.toString());
        FakePlot rho = panels.get(1);
        assertEquals(2, rho.coloured().size(), "ρ of noise and of train attractors");
        assertEquals(0.4, rho.coloured().get(0).points()[0][1], EPS);
        assertEquals(0.3, rho.coloured().get(1).points()[0][1], EPS);
    }

    @Test
    void noNumericAxisSkipsTheTrendsWithANote() throws Exception {
        Map<String, List<String>> axes = Map.of("augmentation", List.of("none", "shift:2"));
        List<CellResult> cells = List.of(
                new CellResult(cell(0, Map.of("augmentation", "none")), CellResult.Status.DONE, null,
                        List.of(row(500, true, 0.02, 0.7, 0.5, 5, 0.8, 0.4, 0.3)), 100, "h"),
                CellResult.failed(cell(1, Map.of("augmentation", "shift:2")), "out of memory", 5, "h"));
        Canvas c = render(new SweepResult("aug", "mnist", axes, cells, List.of(), Map.of()));
        assertTrue(c.notes.get("Memorization vs training size").get(0).startsWith("No chart"));
        assertFalse(c.plots.containsKey("Memorization vs training size"));
        assertEquals(2, c.plots.get("Contraction").size(), "one value finished: still charted");
        assertFalse(new SweepSection().appliesTo(new SweepResult("empty", "mnist", axes, List.of(), List.of(), Map.of())));
    }

    static SweepSection.XAxis axisOf(String... nameValues) {
        Map<String, List<String>> axes = new LinkedHashMap<>();
        for (String nv : nameValues) {
            String[] parts = nv.split("=");
            axes.put(parts[0], List.of(parts[1].split(",")));
        }
        return SweepSection.xAxis(new SweepResult("x", "mnist", axes, List.of(), List.of(), Map.of()));
    }

    @Test
    void xAxisScales() {
        SweepSection.XAxis sizes = axisOf("latentDim=8,16", "trainingSize=16,64");
        assertEquals("log₁₀ trainingSize", sizes.label(), "training size first and on a log scale even over a factor 4");
        assertEquals(Math.log10(64), sizes.position("64"), EPS);
        assertEquals("log₁₀ latentDim", axisOf("seed=0,1", "latentDim=2,64").label(), "the seed is never x; 2 to 64 spans > 20");
        SweepSection.XAxis hidden = axisOf("trainingSize=64", "hidden=64,128");
        assertEquals("hidden", hidden.label(), "one training size is no trend; 64 to 128 is linear");
        assertEquals(128, hidden.position("128"), EPS);
        SweepSection.XAxis decay = axisOf("augmentation=none,shift:2", "weightDecay=0.001,0,0.0001");
        assertEquals("weightDecay (evenly spaced)", decay.label());
        assertEquals(List.of(2.0, 0.0, 1.0), Arrays.stream(decay.positions()).boxed().toList(), "ranks in value order");
        assertEquals("learningRate", axisOf("learningRate=0.001,0.005,0.01").label(), "a factor 10, gaps 4 and 5: linear");
        assertEquals(null, axisOf("augmentation=none,shift:2", "seed=0,1,2"));
    }
}
