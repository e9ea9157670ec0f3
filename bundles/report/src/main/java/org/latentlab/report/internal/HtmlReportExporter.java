package org.latentlab.report.internal;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.attractor.FixedPointKind;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.export.Exporter;
import org.latentlab.io.AtomicFile;
import org.osgi.service.component.annotations.Component;

/**
 * report.html: what a researcher wants to see first. A plain-language summary; decoded attractor
 * images beside their nearest training examples (from the memorization metric); basin sizes; the
 * latent field on the PCA plane with trajectories (latent-field metric); spectral radii and
 * observed versus predicted steps. Optional seed groups (parameter {@code groups}, e.g.
 * {@code test:1000,noise:1000}) are compared: which attractors each group reaches.
 */
@Component(property = {ServiceProperties.ID + "=html",
        ServiceProperties.DESCRIPTION + "=report.html with pictures: attractors, basins, latent field, spectra"})
public class HtmlReportExporter implements Exporter {

    static final int MAX_GALLERY = 60;

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.text("groups", "", "seed groups in order, e.g. test:1000,noise:1000 (empty: one group)"),
                ParameterSpec.text("title", "", "report title (default: the model name)"));
    }

    /** A named range of seeds. */
    record Group(String name, int from, int to) {}

    @Override
    public List<Path> export(AnalysisResult r, Path outDir, Parameters params) throws IOException {
        Path assets = outDir.resolve("report"); // created by the first picture written
        List<Path> written = new ArrayList<>();
        int n = r.trajectories().size();
        List<Group> groups = groups(params.getString("groups", ""), n);
        int[] imageShape = imageShape(r.model().inputShape());
        StringBuilder h = new StringBuilder();
        String title = params.getString("title", "").isBlank() ? "Latent dynamics of " + r.model().name()
                : params.getString("title", "");
        h.append("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>").append(Html.esc(title))
                .append("</title><style>").append(CSS).append("</style></head><body>");
        h.append("<h1>").append(Html.esc(title)).append("</h1>");
        h.append("<p class='meta'>").append(Html.esc(String.format(Locale.ROOT,
                "%d seeds (%s) · strategy %s %s · clusterer %s %s · %.1f s", n, r.seedOrigin(), r.strategy(),
                r.strategyParams().values(), r.clusterer(), r.clustererParams().values(), r.elapsedMillis() / 1000.0)))
                .append("</p>");
        h.append("<h2>Summary</h2><ul class='summary'>");
        for (String line : summary(r, groups)) {
            h.append("<li>").append(line).append("</li>");
        }
        h.append("</ul>");

        // Gallery
        h.append("<h2>Attractors</h2>");
        if (r.attractors().isEmpty()) {
            h.append("<p>No trajectory converged, so there are no attractors to show.</p>");
        } else {
            h.append("<p>Ordered by basin size. Each card shows D(z*), the decoded attractor")
                    .append(r.attractors().get(0).metrics().containsKey("nearestTraining")
                            ? ", beside its nearest training example (by cosine similarity)" : "")
                    .append(".</p><div class='gallery'>");
            for (Attractor a : r.attractors().subList(0, Math.min(MAX_GALLERY, r.attractors().size()))) {
                h.append("<div class='card' style='border-top:4px solid ").append(Svg.color(a.id())).append("'>");
                h.append("<div class='imgs'>");
                if (imageShape != null && a.metrics().get("decoded") instanceof float[] dec) {
                    String f = "attractor-" + a.id() + ".png";
                    written.add(png(assets.resolve(f), dec, imageShape));
                    h.append("<figure><img src='report/").append(f).append("' alt='decoded attractor ").append(a.id())
                            .append("'><figcaption>D(z*)</figcaption></figure>");
                }
                if (imageShape != null && a.metrics().get("nearestTraining") instanceof float[] near) {
                    String f = "nearest-" + a.id() + ".png";
                    written.add(png(assets.resolve(f), near, imageShape));
                    h.append("<figure><img src='report/").append(f).append("' alt='nearest training example'>")
                            .append("<figcaption>nearest train #").append(a.metrics().get("nearestTrainingIndex"))
                            .append("</figcaption></figure>");
                }
                h.append("</div><div class='caption'><b>#").append(a.id()).append("</b> ").append(a.kind().name().toLowerCase())
                        .append("<br>basin ").append(a.basinSize()).append(String.format(Locale.ROOT, " (%.1f%%)", 100.0 * a.basinSize() / n))
                        .append(String.format(Locale.ROOT, "<br>ρ %.3f · ‖J‖ %.3f", a.spectralRadius(), a.spectralNorm()));
                if (a.metrics().get("memorization") instanceof Double mem) {
                    h.append(String.format(Locale.ROOT, "<br>mem %.3f", mem));
                }
                h.append("</div></div>");
            }
            h.append("</div>");
            if (r.attractors().size() > MAX_GALLERY) {
                h.append("<p>").append(r.attractors().size() - MAX_GALLERY).append(" more attractors are in result.json.</p>");
            }
        }

        if (!r.attractors().isEmpty() && !r.attractors().get(0).metrics().containsKey("decoded")) {
            h.append("<p class='note'>No pictures of the attractors: run with the metric <code>memorization</code> ")
                    .append("(and training data) for decoded attractors beside their nearest training examples.</p>");
        }
        h.append("<h2>Basins</h2>").append(basinChart(r, groups));
        Object field = r.metricSummaries().getOrDefault("latent-field", Map.of()).get("field");
        if (field != null) {
            h.append("<h2>Latent field on the PCA plane</h2>").append(fieldPlot(r));
        } else {
            h.append("<p class='note'>Run with the metric <code>latent-field</code> for a picture of the latent field ")
                    .append("and the trajectories on the PCA plane.</p>");
        }
        if (!r.attractors().isEmpty()) {
            h.append("<h2>Stability</h2><div class='row'>").append(spectrumChart(r)).append(stepsChart(r)).append("</div>");
            h.append("<p class='note'>ρ is the spectral radius of the Jacobian of f = E∘D at the attractor (ρ &lt; 1: stable; ")
                    .append("small ρ: fast, strong attraction). Predicted steps use the linear rate, log(ε/‖e₀‖)/log ρ; ")
                    .append("seeds far from the attractor take longer than the linear prediction.</p>");
        }
        h.append("<h2>Files</h2><p>result.json (every number above and each trajectory), attractors.npy, endpoints.npy, ")
                .append("labels.npy, attractors.csv, trajectories.csv, where those exporters ran.</p>");
        h.append("</body></html>");
        written.add(0, AtomicFile.writeString(outDir.resolve("report.html"), h));
        return written;
    }

    static List<Group> groups(String spec, int n) {
        List<Group> out = new ArrayList<>();
        int from = 0;
        if (!spec.isBlank()) {
            for (String g : spec.split(",")) {
                String[] p = g.split(":");
                int count = Integer.parseInt(p[1].trim());
                out.add(new Group(p[0].trim(), from, Math.min(n, from + count)));
                from += count;
            }
        }
        if (out.isEmpty()) {
            out.add(new Group("all seeds", 0, n));
        }
        return out;
    }

    /** [channels, height, width] when inputs are pictures: [1|3, H, W], [H, W], or [N] with N a square. */
    static int[] imageShape(int[] s) {
        if (s.length == 3 && (s[0] == 1 || s[0] == 3)) {
            return s;
        }
        if (s.length == 2) {
            return new int[] {1, s[0], s[1]};
        }
        if (s.length == 1) {
            int side = (int) Math.round(Math.sqrt(s[0]));
            if (side * side == s[0] && side >= 4) {
                return new int[] {1, side, side};
            }
        }
        return null;
    }

    static Path png(Path file, float[] values, int[] shape) throws IOException {
        int c = shape[0];
        int hgt = shape[1];
        int wid = shape[2];
        int scale = Math.max(1, 96 / Math.max(hgt, wid));
        BufferedImage img = new BufferedImage(wid * scale, hgt * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < hgt; y++) {
            for (int x = 0; x < wid; x++) {
                int[] rgb = new int[3];
                for (int ch = 0; ch < 3; ch++) {
                    float v = values[(c == 1 ? 0 : ch) * hgt * wid + y * wid + x];
                    rgb[ch] = Math.max(0, Math.min(255, Math.round(v * 255)));
                }
                int p = (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        img.setRGB(x * scale + dx, y * scale + dy, p);
                    }
                }
            }
        }
        return AtomicFile.write(file, out -> ImageIO.write(img, "png", out));
    }

    static List<String> summary(AnalysisResult r, List<Group> groups) {
        List<String> out = new ArrayList<>();
        int n = r.trajectories().size();
        long conv = r.trajectories().stream().filter(Trajectory::converged).count();
        long div = r.trajectories().stream().filter(Trajectory::diverged).count();
        int m = r.attractors().size();
        out.add(String.format(Locale.ROOT, "<b>%d of %d</b> trajectories converged%s; they end in <b>%d distinct attractor%s</b>.",
                conv, n, div > 0 ? " (" + div + " diverged)" : "", m, m == 1 ? "" : "s"));
        if (m > 0) {
            Attractor top = r.attractors().get(0);
            out.add(String.format(Locale.ROOT, "The largest basin (attractor #0) collects %.0f%% of the seeds; the five largest "
                    + "together %.0f%%.", 100.0 * top.basinSize() / n, 100.0 * r.attractors().stream().limit(5)
                            .mapToInt(Attractor::basinSize).sum() / n));
            long stable = r.attractors().stream().filter(Attractor::stable).count();
            double[] rho = r.attractors().stream().mapToDouble(Attractor::spectralRadius).filter(Double::isFinite).sorted().toArray();
            out.add(String.format(Locale.ROOT, "%d of %d are stable (every Jacobian eigenvalue inside the unit circle)%s.",
                    stable, m, rho.length > 0 ? String.format(Locale.ROOT, "; median spectral radius %.3f", rho[rho.length / 2]) : ""));
            long saddles = r.attractors().stream().filter(a -> a.kind() == FixedPointKind.SADDLE).count();
            if (saddles > 0) {
                out.add(saddles == 1 ? "1 fixed point is a saddle: the strategy reached an unstable point too."
                        : saddles + " fixed points are saddles: the strategy reached unstable points too.");
            }
        }
        Map<String, Object> mem = r.metricSummaries().get("memorization");
        if (mem != null && mem.get("meanMemorization") instanceof Double mean) {
            int memorized = ((Number) mem.get("memorizedAttractors")).intValue();
            out.add(String.format(Locale.ROOT, "Memorization: mean %.3f; <b>%d of %d</b> attractors decode to a near-copy of a "
                    + "training example (cosine &gt; %s), out of %s training examples.", mean, memorized, m, mem.get("threshold"),
                    mem.get("trainingExamples")));
            out.add((memorized > m / 2 ? "By this measure most attractors reproduce training examples, as an associative "
                    + "memory of the training set would (memorization)."
                    : "By this measure few attractors reproduce training examples: they are prototypes rather than stored "
                            + "examples (generalization).")
                    + " Cosine similarity of non-negative images is high even for blurred prototypes: compare the pictures below.");
        }
        if (groups.size() > 1 && m > 0) {
            for (Group g : groups) {
                java.util.Set<Integer> reached = new java.util.TreeSet<>();
                int c = 0;
                for (int i = g.from(); i < g.to(); i++) {
                    if (r.labels()[i] >= 0) {
                        reached.add(r.labels()[i]);
                        c++;
                    }
                }
                out.add(String.format(Locale.ROOT, "Seeds from <b>%s</b> (%d): %d converged, reaching %d attractor%s.",
                        Html.esc(g.name()), g.to() - g.from(), c, reached.size(), reached.size() == 1 ? "" : "s"));
            }
            Group a = groups.get(0);
            for (Group b : groups.subList(1, groups.size())) {
                java.util.Set<Integer> ra = new java.util.HashSet<>();
                for (int i = a.from(); i < a.to(); i++) {
                    ra.add(r.labels()[i]);
                }
                int inA = 0;
                int conv2 = 0;
                for (int i = b.from(); i < b.to(); i++) {
                    if (r.labels()[i] >= 0) {
                        conv2++;
                        inA += ra.contains(r.labels()[i]) ? 1 : 0;
                    }
                }
                out.add(String.format(Locale.ROOT, "%.0f%% of the converged %s seeds end in attractors that %s seeds also "
                        + "reach: the attractors form a dictionary shared by both.", conv2 == 0 ? 0.0 : 100.0 * inA / conv2,
                        Html.esc(b.name()), Html.esc(a.name())));
            }
        }
        return out;
    }

    static String basinChart(AnalysisResult r, List<Group> groups) {
        List<Attractor> atts = r.attractors().subList(0, Math.min(40, r.attractors().size()));
        if (atts.isEmpty()) {
            return "<p>No basins.</p>";
        }
        Map<Integer, int[]> perGroup = new LinkedHashMap<>();
        for (Attractor a : atts) {
            perGroup.put(a.id(), new int[groups.size()]);
        }
        for (int gi = 0; gi < groups.size(); gi++) {
            for (int i = groups.get(gi).from(); i < groups.get(gi).to(); i++) {
                int[] c = perGroup.get(r.labels()[i]);
                if (c != null) {
                    c[gi]++;
                }
            }
        }
        int max = atts.stream().mapToInt(Attractor::basinSize).max().orElse(1);
        Svg s = new Svg(760, 260, -0.5, atts.size() - 0.5, 0, max * 1.05);
        String[] shades = {"#4c78a8", "#f58518", "#54a24b", "#b279a2"};
        for (int i = 0; i < atts.size(); i++) {
            Attractor a = atts.get(i);
            double base = 0;
            int[] c = perGroup.get(a.id());
            for (int gi = 0; gi < c.length; gi++) {
                s.rect(i - 0.38, base, i + 0.38, base + c[gi], shades[gi % shades.length],
                        "attractor #" + a.id() + ", " + groups.get(gi).name() + ": " + c[gi]);
                base += c[gi];
            }
            if (atts.size() <= 25) {
                s.text(i, -max * 0.05, "#" + a.id(), "middle", 10);
            }
        }
        s.axes("attractor (by basin size)", "seeds");
        StringBuilder legend = new StringBuilder("<p class='legend'>");
        if (groups.size() > 1) {
            for (int gi = 0; gi < groups.size(); gi++) {
                legend.append("<span style='color:").append(shades[gi % shades.length]).append("'>■</span> ")
                        .append(Html.esc(groups.get(gi).name())).append(" &nbsp; ");
            }
        }
        return s + legend.append("</p>").toString();
    }

    @SuppressWarnings("unchecked")
    static String fieldPlot(AnalysisResult r) {
        Map<String, Object> f = r.metricSummaries().get("latent-field");
        double[] b = (double[]) f.get("bounds");
        List<double[]> grid = (List<double[]>) f.get("grid");
        List<double[]> field = (List<double[]>) f.get("field");
        List<double[]> atts = (List<double[]>) f.get("attractors");
        List<List<double[]>> paths = (List<List<double[]>>) f.get("paths");
        List<Integer> pathLabels = (List<Integer>) f.get("pathLabels");
        double[] ev = (double[]) f.get("explainedVariance");
        Svg s = new Svg(760, 640, b[0], b[1], b[2], b[3]);
        int g = ((Number) f.get("gridSize")).intValue();
        double cell = (760 - 60.0) / g;
        double maxLen = field.stream().mapToDouble(v -> Math.hypot(v[0], v[1])).filter(Double::isFinite).max().orElse(1);
        double scaleX = (760 - 60.0) / (b[1] - b[0]);
        double scaleY = (640 - 60.0) / (b[3] - b[2]);
        for (int i = 0; i < grid.size(); i++) {
            double[] p = grid.get(i);
            double[] v = field.get(i);
            double len = Math.hypot(v[0] * scaleX, v[1] * scaleY);
            if (!(len > 0) || !Double.isFinite(len)) {
                continue;
            }
            double shown = 0.9 * cell * Math.sqrt(Math.hypot(v[0], v[1]) / maxLen); // sqrt: small vectors stay visible
            s.arrowPx(p[0], p[1], v[0] * scaleX / len * shown, v[1] * scaleY / len * shown, "#888");
        }
        for (int i = 0; i < paths.size(); i++) {
            List<double[]> p = paths.get(i);
            String c = Svg.color(pathLabels.get(i));
            s.polyline(p.toArray(new double[0][]), c, 1.2, 0.55);
            s.circle(p.get(0)[0], p.get(0)[1], 2, c, "none", null);
        }
        for (int i = 0; i < atts.size(); i++) {
            Attractor a = r.attractors().get(i);
            s.circle(atts.get(i)[0], atts.get(i)[1], 6, Svg.color(i), "#000",
                    "attractor #" + i + ", basin " + a.basinSize() + ", ρ " + Svg.fmt(a.spectralRadius()));
        }
        s.axes(String.format(Locale.ROOT, "PC 1 (%.0f%% of variance)", 100 * ev[0]),
                String.format(Locale.ROOT, "PC 2 (%.0f%% of variance)", 100 * ev[1]));
        return s + "<p class='note'>Grey arrows: the latent field v(z) = f(z) − z projected on the plane (length ∝ √|v|). "
                + "Lines: trajectories from their seeds (dots), coloured by the attractor they reach"
                + (Boolean.TRUE.equals(f.get("pathsRecorded")) ? "" : " (seed to end point; record paths for full curves)")
                + ". Large dots: attractors. Points off the plane are shown by their projection.</p>";
    }

    static String spectrumChart(AnalysisResult r) {
        List<Attractor> atts = r.attractors();
        double max = Math.max(1.1, atts.stream().mapToDouble(Attractor::spectralRadius).filter(Double::isFinite).max().orElse(1) * 1.1);
        Svg s = new Svg(370, 260, -0.5, atts.size() - 0.5, 0, max);
        s.line(-0.5, 1, atts.size() - 0.5, 1, "#d62728", 1, 0.8);
        for (Attractor a : atts) {
            if (Double.isFinite(a.spectralRadius())) {
                s.circle(a.id(), a.spectralRadius(), 3.5, Svg.color(a.id()), "none",
                        "#" + a.id() + " ρ " + Svg.fmt(a.spectralRadius()));
            }
        }
        return s.axes("attractor", "spectral radius ρ").toString();
    }

    static String stepsChart(AnalysisResult r) {
        List<Attractor> atts = r.attractors().stream().filter(a -> Double.isFinite(a.predictedSteps())).toList();
        double max = Math.max(1, atts.stream().mapToDouble(a -> Math.max(a.meanSteps(), a.predictedSteps())).max().orElse(1) * 1.1);
        Svg s = new Svg(370, 260, 0, max, 0, max);
        s.line(0, 0, max, max, "#999", 1, 0.8);
        for (Attractor a : atts) {
            s.circle(a.predictedSteps(), a.meanSteps(), 3.5, Svg.color(a.id()), "none",
                    "#" + a.id() + ": observed " + Svg.fmt(a.meanSteps()) + ", predicted " + Svg.fmt(a.predictedSteps()));
        }
        return s.axes("predicted steps (linear rate)", "observed mean steps").toString();
    }

    static final String CSS = """
            body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:24px auto;padding:0 16px;color:#222}
            h1{font-size:26px;margin-bottom:4px} h2{font-size:19px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
            .meta{color:#666;font-size:13px} .summary li{margin:4px 0} .note{color:#555;font-size:13px}
            .gallery{display:flex;flex-wrap:wrap;gap:10px} .card{background:#f6f6f6;border-radius:6px;padding:6px;width:206px}
            .imgs{display:flex;gap:4px} figure{margin:0;text-align:center} figcaption{font-size:11px;color:#555}
            img{width:96px;height:96px;image-rendering:pixelated;border:1px solid #ccc;background:#000}
            .caption{font-size:12px;margin-top:4px;line-height:1.35} .row{display:flex;gap:16px;flex-wrap:wrap}
            .legend{font-size:13px} svg.plot{max-width:100%;height:auto}
            """;
}
