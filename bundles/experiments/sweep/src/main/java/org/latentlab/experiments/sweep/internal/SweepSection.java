package org.latentlab.experiments.sweep.internal;

import static org.latentlab.experiments.sweep.internal.SweepCharts.COLORS;
import static org.latentlab.experiments.sweep.internal.SweepCharts.GREY;
import static org.latentlab.experiments.sweep.internal.SweepCharts.num;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.latentlab.api.report.Plot;
import org.latentlab.api.report.ReportCanvas;
import org.latentlab.api.report.ReportCanvas.Card;
import org.latentlab.api.report.ReportCanvas.Figure;
import org.latentlab.api.report.ReportSection;
import org.latentlab.api.sweep.CellMeasures;
import org.latentlab.api.sweep.CellResult;
import org.latentlab.api.sweep.SeedSetMeasures;
import org.latentlab.experiments.sweep.internal.SweepCharts.Series;
import org.latentlab.experiments.sweep.internal.SweepCharts.Stats;
import org.osgi.service.component.annotations.Component;

/**
 * The report of a sweep: every cell in a table, memorization and attractor counts against training size (one
 * line per recipe, seeds averaged), contraction against the regularising axes, training dynamics of cells with
 * checkpoints, and the decoded attractors of chosen cells. Failed cells are listed and never plotted; NaN
 * measures are left out of every chart.
 */
@Component(service = ReportSection.class)
public class SweepSection implements ReportSection<SweepResult> {

    static final String SIZE_AXIS = "trainingSize";
    static final String SEED_AXIS = "seed";
    static final List<String> SEED_SETS = List.of("train", "test", "noise");
    static final List<String> CONTRACTION_AXES = List.of("weightDecay", "initScale", "augmentation");
    /** Log x when the largest positive value is more than this factor above the smallest. */
    static final double LOG_SPAN = 20;
    static final int MAX_GALLERY = 60;
    /** Longer errors are cut in the table and given whole below it. */
    static final int MAX_ERROR = 90;

    static final String MEMORIZATION_Y = "mean memorization, noise attractors";
    static final String MEMORIZATION_SHORT_Y = "memorization, noise";
    static final String ATTRACTORS_NOISE_Y = "attractors from noise";
    static final String ATTRACTORS_TRAIN_Y = "attractors from train";
    static final String CONTRACTION_Y = "contraction mean ‖J_f‖₂";
    static final String RHO_Y = "mean ρ at attractors";
    static final String BASELINE_LABEL = "test-image baseline";
    static final String DYNAMICS_HEADING = "Training dynamics";

    @Override
    public String id() {
        return "sweep";
    }

    @Override
    public Class<SweepResult> resultType() {
        return SweepResult.class;
    }

    @Override
    public int order() {
        return 200;
    }

    @Override
    public boolean appliesTo(SweepResult result) {
        return !result.cells().isEmpty();
    }

    @Override
    public void render(SweepResult r, ReportCanvas canvas) throws IOException {
        long failed = r.cells().stream().filter(c -> c.status() == CellResult.Status.FAILED).count();
        canvas.summary(String.format(Locale.ROOT, "%d cells over %s on %s%s.", r.cells().size(), axesText(r), r.dataset(),
                failed == 0 ? ", all finished" : ", " + failed + " failed (see the table)"));
        XAxis x = xAxis(r);
        if (x != null) {
            trendSummary(r, x, canvas);
        }

        canvas.heading("Sweep " + r.name());
        cellTable(r, canvas);
        memorizationChart(r, x, canvas);
        attractorCharts(r, x, canvas);
        contraction(r, canvas);
        dynamics(r, canvas);
        galleries(r, canvas);
        settings(r, canvas);
    }

    // ---- the table ------------------------------------------------------------------------------------------

    static void cellTable(SweepResult r, ReportCanvas canvas) {
        List<String> header = new ArrayList<>(List.of("cell"));
        header.addAll(r.axes().keySet());
        header.addAll(List.of("status", "step", "train loss", "test loss", "contraction"));
        for (String s : SEED_SETS) {
            header.addAll(List.of(s + " attractors", s + " mem", s + " ρ"));
        }
        header.addAll(List.of("mem baseline", "seconds"));
        List<List<String>> rows = new ArrayList<>();
        List<String> longErrors = new ArrayList<>();
        for (CellResult c : r.cells()) {
            List<String> row = new ArrayList<>(List.of(c.cell().id()));
            for (String axis : r.axes().keySet()) {
                row.add(c.cell().axes().getOrDefault(axis, "–"));
            }
            Optional<CellMeasures> last = finalRow(c);
            if (c.status() == CellResult.Status.FAILED) {
                String error = c.error() == null ? "no message" : c.error();
                row.add("failed: " + (error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR - 1) + "…" : error));
                if (error.length() > MAX_ERROR) {
                    longErrors.add(c.cell().id() + " failed: " + error);
                }
            } else {
                row.add(last.isPresent() ? "done" : "done, no final measures");
            }
            if (last.isPresent()) {
                CellMeasures m = last.get();
                row.addAll(List.of(Integer.toString(m.step()), num(m.trainLoss()), num(m.testLoss()), num(m.contractionMean())));
                for (String s : SEED_SETS) {
                    Optional<SeedSetMeasures> set = m.seedSet(s);
                    row.add(set.map(v -> Integer.toString(v.attractors())).orElse("–"));
                    row.add(set.map(v -> num(v.meanMemorization())).orElse("–"));
                    row.add(set.map(v -> num(v.meanRho())).orElse("–"));
                }
                row.add(num(m.memorizationBaseline()));
            } else {
                while (row.size() < header.size() - 1) {
                    row.add("–");
                }
            }
            row.add(String.format(Locale.ROOT, "%.1f", c.millis() / 1000.0));
            rows.add(row);
        }
        canvas.table(header, rows);
        canvas.note("Final models. mem: mean over the attractors reached from that seed set of the largest cosine similarity "
                + "between the decoded attractor and a training example; ρ: mean spectral norm of J_f at those attractors; "
                + "contraction: mean ‖J_f‖₂ at training encodings; mem baseline: the same similarity for test images.");
        longErrors.forEach(canvas::note);
    }

    // ---- trends against training size -----------------------------------------------------------------------

    /**
     * The x axis of a chart: values as written, their positions, and the axis label (which says how positions
     * relate to values).
     */
    record XAxis(String name, String label, List<String> values, double[] positions) {

        double position(String value) {
            int i = values.indexOf(value);
            return i < 0 ? Double.NaN : positions[i];
        }
    }

    /**
     * trainingSize when it has two values or more, else the first other numeric axis (not the seed) with two
     * values or more; null when there is none. Training sizes, and positive axes spanning more than a factor
     * {@value #LOG_SPAN}, on a log scale. Other axes are linear unless their values are so uneven that a linear
     * scale would crowd them (smallest gap under a quarter of an even spacing, as weight decays 0, 1e-4, 1e-3):
     * those are evenly spaced in value order.
     */
    static XAxis xAxis(SweepResult r) {
        List<String> names = new ArrayList<>();
        if (r.axes().getOrDefault(SIZE_AXIS, List.of()).size() >= 2) {
            names.add(SIZE_AXIS);
        }
        names.addAll(r.axes().keySet());
        for (String name : names) {
            List<String> values = r.axes().get(name);
            if (name.equals(SEED_AXIS) || values.size() < 2) {
                continue;
            }
            double[] v = values.stream().mapToDouble(SweepSection::parse).toArray();
            if (Arrays.stream(v).anyMatch(d -> !Double.isFinite(d))) {
                continue;
            }
            double min = Arrays.stream(v).min().orElseThrow();
            double max = Arrays.stream(v).max().orElseThrow();
            if (min > 0 && (name.equals(SIZE_AXIS) || max / min > LOG_SPAN)) {
                return new XAxis(name, "log₁₀ " + name, values, Arrays.stream(v).map(Math::log10).toArray());
            }
            double[] sorted = Arrays.stream(v).distinct().sorted().toArray();
            double minGap = Double.POSITIVE_INFINITY;
            for (int i = 1; i < sorted.length; i++) {
                minGap = Math.min(minGap, sorted[i] - sorted[i - 1]);
            }
            if (sorted.length > 2 && minGap < 0.25 * (max - min) / (sorted.length - 1)) {
                double[] ranks = Arrays.stream(v).map(d -> Arrays.binarySearch(sorted, d)).toArray();
                return new XAxis(name, name + " (evenly spaced)", values, ranks);
            }
            return new XAxis(name, name, values, v);
        }
        return null;
    }

    static double parse(String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** The cells with a final row, grouped by their values on every axis but {@code x} and the seed, in grid order. */
    static Map<String, List<CellResult>> groups(SweepResult r, String x) {
        Map<String, List<CellResult>> groups = new LinkedHashMap<>();
        for (CellResult c : r.cells()) {
            if (finalRow(c).isEmpty()) {
                continue;
            }
            List<String> parts = new ArrayList<>();
            for (String axis : r.axes().keySet()) {
                if (!axis.equals(x) && !axis.equals(SEED_AXIS)) {
                    parts.add(axis + "=" + c.cell().axes().getOrDefault(axis, "?"));
                }
            }
            groups.computeIfAbsent(parts.isEmpty() ? "all cells" : String.join(", ", parts), k -> new ArrayList<>()).add(c);
        }
        return groups;
    }

    /** One series per group: at each x the mean, min and max over the group's cells (its seeds) of {@code y}. */
    static List<Series> series(SweepResult r, XAxis x, ToDoubleFunction<CellMeasures> y) {
        List<Series> out = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, List<CellResult>> g : groups(r, x.name()).entrySet()) {
            out.add(Series.of(g.getKey(), COLORS[i++ % COLORS.length], byX(g.getValue(), x, y)));
        }
        return out;
    }

    static Map<Double, List<Double>> byX(List<CellResult> cells, XAxis x, ToDoubleFunction<CellMeasures> y) {
        Map<Double, List<Double>> byX = new TreeMap<>();
        for (CellResult c : cells) {
            Optional<CellMeasures> m = finalRow(c);
            double pos = x.position(c.cell().axes().getOrDefault(x.name(), ""));
            if (m.isPresent() && Double.isFinite(pos)) {
                byX.computeIfAbsent(pos, k -> new ArrayList<>()).add(y.applyAsDouble(m.get()));
            }
        }
        return byX;
    }

    /** The memorization baseline at each x: mean over every finished cell there. */
    static Series baseline(SweepResult r, XAxis x) {
        List<CellResult> done = r.cells().stream().filter(c -> finalRow(c).isPresent()).toList();
        return Series.of(BASELINE_LABEL, GREY, byX(done, x, CellMeasures::memorizationBaseline));
    }

    static void memorizationChart(SweepResult r, XAxis x, ReportCanvas canvas) {
        canvas.heading("Memorization vs " + (x == null ? "training size" : x.name()));
        if (x == null) {
            canvas.note("No chart: no numeric axis (such as " + SIZE_AXIS + ") has two values or more.");
            return;
        }
        canvas.paragraph("Mean memorization of the attractors reached from noise seeds, per recipe (one line per combination of "
                + "the other axes), averaged over seeds; the light bar spans the seeds' minimum to maximum. The dashed grey line "
                + "is the memorization a model that returned test images would score: above it, attractors copy training "
                + "examples more closely than unseen images resemble them.");
        List<Series> lines = series(r, x, m -> noise(m, SeedSetMeasures::meanMemorization));
        Series base = baseline(r, x);
        Plot p = trendPlot(canvas, x, lines, base, MEMORIZATION_Y, 1);
        if (p == null) {
            canvas.note("No chart: no finished cell measured attractors from noise seeds.");
            return;
        }
        double[][] pts = base.means();
        SweepCharts.dashed(p, pts, GREY, 1.5);
        if (pts.length == 1) {
            p.circle(pts[0][0], pts[0][1], 3, GREY, "none", BASELINE_LABEL);
        }
        if (pts.length > 0) {
            // Under the line's first point: the lines of the recipes usually run above the baseline.
            p.text(pts[0][0], pts[0][1] - 14 / p.pixelsPerUnitY(), BASELINE_LABEL, "start", 10);
        }
        canvas.plot(p, "");
        SweepCharts.legend(canvas, lines, List.<String[]>of(new String[] {GREY, BASELINE_LABEL + " (dashed)"}));
    }

    static void attractorCharts(SweepResult r, XAxis x, ReportCanvas canvas) {
        if (x == null) {
            return;
        }
        canvas.heading("Attractors vs " + x.name());
        canvas.paragraph("Distinct attractors reached from noise seeds (left) and from training encodings (right), per recipe, "
                + "averaged over seeds with the minimum to maximum as a light bar.");
        List<Series> noise = series(r, x, m -> noise(m, s -> s.attractors()));
        List<Series> train = series(r, x, m -> set(m, "train", s -> s.attractors()));
        List<Plot> panels = new ArrayList<>();
        Plot left = trendPlot(canvas, x, noise, null, ATTRACTORS_NOISE_Y, 0);
        Plot right = trendPlot(canvas, x, train, null, ATTRACTORS_TRAIN_Y, 0);
        if (left != null) {
            panels.add(left);
        }
        if (right != null) {
            panels.add(right);
        }
        if (panels.isEmpty()) {
            canvas.note("No chart: no finished cell counted attractors.");
            return;
        }
        canvas.plots(panels);
        SweepCharts.legend(canvas, noise, List.of());
    }

    /** A chart of {@code lines} over the x axis (with the baseline's values in its range), or null when nothing is finite. */
    static Plot trendPlot(ReportCanvas canvas, XAxis x, List<Series> lines, Series baseline, String yLabel, double atLeast) {
        List<Double> extra = baseline == null ? List.of()
                : baseline.points().values().stream().map(Stats::mean).toList();
        double[] yr = SweepCharts.yRange(lines, extra, true, atLeast);
        if (yr == null) {
            return null;
        }
        double[] xr = SweepCharts.xRange(x.positions());
        Plot p = canvas.newPlot(420, 290, xr[0], xr[1], yr[0], yr[1]);
        SweepCharts.ticks(p, x.positions(), x.values(), yr[0], yr[1]);
        SweepCharts.draw(p, lines, yLabel, x.values(), x.positions());
        return p.axes(x.label(), yLabel);
    }

    /** A summary line: the mean noise memorization at the smallest and the largest x, against the baseline. */
    static void trendSummary(SweepResult r, XAxis x, ReportCanvas canvas) {
        List<CellResult> done = r.cells().stream().filter(c -> finalRow(c).isPresent()).toList();
        Series mem = Series.of("", "", byX(done, x, m -> noise(m, SeedSetMeasures::meanMemorization)));
        Series base = baseline(r, x);
        if (mem.points().size() < 2) {
            return;
        }
        double lo = mem.points().firstKey();
        double hi = mem.points().lastKey();
        canvas.summary(String.format(Locale.ROOT, "Memorization of attractors from noise, mean over cells: %s at %s %s, %s at %s %s "
                + "(test-image baseline %s and %s).", num(mem.points().get(lo).mean()), x.name(), SweepCharts.valueAt(lo, x.values(), x.positions()),
                num(mem.points().get(hi).mean()), x.name(), SweepCharts.valueAt(hi, x.values(), x.positions()), num(mean(base, lo)), num(mean(base, hi))));
    }

    private static double mean(Series s, double x) {
        Stats st = s.points().get(x);
        return st == null ? Double.NaN : st.mean();
    }

    // ---- contraction ----------------------------------------------------------------------------------------

    static void contraction(SweepResult r, ReportCanvas canvas) {
        List<String> axes = CONTRACTION_AXES.stream().filter(a -> r.axes().getOrDefault(a, List.of()).size() >= 2).toList();
        if (axes.isEmpty()) {
            return;
        }
        canvas.heading("Contraction");
        canvas.paragraph("Left: the mean spectral norm of J_f at training encodings (below 1, the latent map contracts there). "
                + "Right: the mean ρ = ‖J_f(z*)‖₂ at the attractors reached from noise and from training encodings. Dots are "
                + "means over every finished cell with that value, bars span the minimum to maximum over the other axes and "
                + "seeds; the dashed line marks 1.");
        for (String axis : axes) {
            List<String> values = r.axes().get(axis);
            double[] positions = new double[values.size()];
            for (int i = 0; i < positions.length; i++) {
                positions[i] = i;
            }
            XAxis x = new XAxis(axis, axis + " (position)", values, positions);
            List<CellResult> done = r.cells().stream().filter(c -> finalRow(c).isPresent()).toList();
            Series contraction = Series.of(CONTRACTION_Y, COLORS[0], byX(done, x, CellMeasures::contractionMean));
            Series rhoNoise = shifted(Series.of("ρ, noise attractors", COLORS[0],
                    byX(done, x, m -> noise(m, SeedSetMeasures::meanRho))), -0.1);
            Series rhoTrain = shifted(Series.of("ρ, train attractors", COLORS[3],
                    byX(done, x, m -> set(m, "train", SeedSetMeasures::meanRho))), 0.1);
            List<Plot> panels = new ArrayList<>();
            Plot left = categoricalPlot(canvas, x, List.of(contraction), CONTRACTION_Y);
            Plot right = categoricalPlot(canvas, x, List.of(rhoNoise, rhoTrain), RHO_Y);
            if (left != null) {
                panels.add(left);
            }
            if (right != null) {
                panels.add(right);
            }
            if (panels.isEmpty()) {
                canvas.note("No " + axis + " chart: no finished cell has these measures.");
                continue;
            }
            canvas.plots(panels);
            SweepCharts.legend(canvas, List.of(rhoNoise, rhoTrain), List.of());
            canvas.note("x: " + axis + " (" + String.join(", ", values) + ").");
        }
    }

    /** The series moved by {@code dx} along x, so two series at the same categories stay apart. */
    private static Series shifted(Series s, double dx) {
        TreeMap<Double, Stats> points = new TreeMap<>();
        s.points().forEach((x, st) -> points.put(x + dx, st));
        return new Series(s.label(), s.color(), points);
    }

    static Plot categoricalPlot(ReportCanvas canvas, XAxis x, List<Series> lines, String yLabel) {
        double[] yr = SweepCharts.yRange(lines, List.of(), true, 1.05);
        if (yr == null) {
            return null;
        }
        Plot p = canvas.newPlot(360, 270, -0.6, x.values().size() - 0.4, yr[0], yr[1]);
        SweepCharts.ticks(p, x.positions(), x.values(), yr[0], yr[1]);
        SweepCharts.dashed(p, new double[][] {{-0.6, 1}, {x.values().size() - 0.4, 1}}, GREY, 1);
        List<String> labels = new ArrayList<>();
        double[] shiftedPositions = lines.stream().flatMap(l -> l.points().keySet().stream()).mapToDouble(Double::doubleValue).toArray();
        for (double pos : shiftedPositions) {
            labels.add(x.values().get((int) Math.round(pos)));
        }
        SweepCharts.draw(p, lines, yLabel, labels, shiftedPositions);
        return p.axes(x.label(), yLabel);
    }

    // ---- training dynamics ----------------------------------------------------------------------------------

    static void dynamics(SweepResult r, ReportCanvas canvas) {
        List<CellResult> cells = r.cells().stream().filter(c -> c.status() == CellResult.Status.DONE
                && c.rows().stream().anyMatch(m -> !m.isFinal())).toList();
        if (cells.isEmpty()) {
            return;
        }
        double minStep = Double.POSITIVE_INFINITY;
        double maxStep = 0;
        for (CellResult c : cells) {
            for (CellMeasures m : c.rows()) {
                minStep = Math.min(minStep, m.step());
                maxStep = Math.max(maxStep, m.step());
            }
        }
        boolean log = minStep > 0 && maxStep / minStep > LOG_SPAN;
        canvas.heading(DYNAMICS_HEADING);
        canvas.paragraph("Cells measured at training checkpoints: each measure over optimiser steps, one line per cell, the "
                + "last point being the final model." + (log ? " Steps on a log scale." : ""));
        List<Plot> panels = new ArrayList<>();
        panels.add(dynamicsPanel(canvas, cells, log, m -> noise(m, s -> s.attractors()), ATTRACTORS_NOISE_Y, minStep, maxStep));
        panels.add(dynamicsPanel(canvas, cells, log, m -> noise(m, SeedSetMeasures::meanMemorization), MEMORIZATION_SHORT_Y,
                minStep, maxStep));
        panels.add(dynamicsPanel(canvas, cells, log, CellMeasures::trainLoss, "train loss", minStep, maxStep));
        panels.add(dynamicsPanel(canvas, cells, log, CellMeasures::testLoss, "test loss", minStep, maxStep));
        panels.removeIf(Objects::isNull);
        canvas.plots(panels);
        List<Series> legend = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            legend.add(new Series(cells.get(i).cell().id() + " (" + label(cells.get(i)) + ")", COLORS[i % COLORS.length], new TreeMap<>()));
        }
        SweepCharts.legend(canvas, legend, List.of());
    }

    static Plot dynamicsPanel(ReportCanvas canvas, List<CellResult> cells, boolean log, ToDoubleFunction<CellMeasures> y,
            String yLabel, double minStep, double maxStep) {
        List<Series> lines = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            Map<Double, List<Double>> byStep = new TreeMap<>();
            for (CellMeasures m : cells.get(i).rows()) {
                double x = log ? Math.log10(m.step()) : m.step();
                byStep.computeIfAbsent(x, k -> new ArrayList<>()).add(y.applyAsDouble(m));
            }
            lines.add(Series.of(cells.get(i).cell().id(), COLORS[i % COLORS.length], byStep));
        }
        double[] yr = SweepCharts.yRange(lines, List.of(), true, 0);
        if (yr == null) {
            return null;
        }
        double x0 = log ? Math.log10(minStep) : minStep;
        double x1 = log ? Math.log10(maxStep) : maxStep;
        double[] xr = SweepCharts.xRange(new double[] {x0, x1});
        Plot p = canvas.newPlot(255, 220, xr[0], xr[1], yr[0], yr[1]);
        if (log) {
            double[] decades = SweepCharts.decades(minStep, maxStep);
            List<String> labels = Arrays.stream(decades).mapToObj(d -> num(Math.pow(10, d))).toList();
            SweepCharts.ticks(p, decades, labels, yr[0], yr[1]);
        }
        SweepCharts.draw(p, lines, yLabel, List.of(), new double[0]);
        return p.axes(log ? "log₁₀ step" : "step", yLabel);
    }

    // ---- galleries and settings -----------------------------------------------------------------------------

    static void galleries(SweepResult r, ReportCanvas canvas) throws IOException {
        for (SweepResult.Gallery g : r.galleries()) {
            canvas.heading("Decoded attractors: " + g.label());
            canvas.paragraph("Cell " + g.cellId() + ", final model: the attractors reached from noise seeds, largest basins "
                    + "first, each beside the training example it is most similar to (cosine).");
            String prefix = "sweep-" + g.cellId().replaceAll("[^A-Za-z0-9._-]", "_");
            int n = Math.min(MAX_GALLERY, g.attractors().size());
            List<Card> cards = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                List<Figure> figures = new ArrayList<>();
                int a = i;
                canvas.image(prefix + "-attractor-" + i, g.attractors().get(i))
                        .ifPresent(src -> figures.add(new Figure(src, "D(z*)", "decoded attractor " + a)));
                if (i < g.nearest().size()) {
                    canvas.image(prefix + "-nearest-" + i, g.nearest().get(i))
                            .ifPresent(src -> figures.add(new Figure(src, "nearest train", "nearest training example")));
                }
                List<String> lines = new ArrayList<>();
                if (g.memorization() != null && i < g.memorization().length && Double.isFinite(g.memorization()[i])) {
                    lines.add(String.format(Locale.ROOT, "mem %.3f", g.memorization()[i]));
                }
                if (g.basinShare() != null && i < g.basinShare().length && Double.isFinite(g.basinShare()[i])) {
                    lines.add(String.format(Locale.ROOT, "basin %.1f%%", 100 * g.basinShare()[i]));
                }
                cards.add(new Card("#" + i, canvas.color(i), figures, lines));
            }
            canvas.gallery(cards);
            if (g.attractors().size() > MAX_GALLERY) {
                canvas.note((g.attractors().size() - MAX_GALLERY) + " more attractors of this cell are not shown.");
            }
        }
    }

    static void settings(SweepResult r, ReportCanvas canvas) {
        if (r.settings().isEmpty()) {
            return;
        }
        canvas.heading("Settings");
        List<List<String>> rows = new ArrayList<>();
        r.settings().forEach((k, v) -> rows.add(List.of(k, String.valueOf(v))));
        canvas.table(List.of("setting", "value"), rows);
    }

    // ---- reading the results --------------------------------------------------------------------------------

    /** The final model's measures of a finished cell; empty for a failed cell, whatever rows it kept. */
    static Optional<CellMeasures> finalRow(CellResult c) {
        if (c.status() != CellResult.Status.DONE) {
            return Optional.empty();
        }
        for (int i = c.rows().size() - 1; i >= 0; i--) {
            if (c.rows().get(i).isFinal()) {
                return Optional.of(c.rows().get(i));
            }
        }
        return Optional.empty();
    }

    static double noise(CellMeasures m, ToDoubleFunction<SeedSetMeasures> f) {
        return set(m, "noise", f);
    }

    static double set(CellMeasures m, String seeds, ToDoubleFunction<SeedSetMeasures> f) {
        return m.seedSet(seeds).map(f::applyAsDouble).orElse(Double.NaN);
    }

    static String label(CellResult c) {
        List<String> parts = new ArrayList<>();
        c.cell().axes().forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(", ", parts);
    }

    static String axesText(SweepResult r) {
        List<String> parts = new ArrayList<>();
        r.axes().forEach((k, v) -> parts.add(k + " (" + v.size() + ")"));
        return parts.isEmpty() ? "no axes" : String.join(" x ", parts);
    }
}
