package org.latentlab.report.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.attractor.FixedPointKind;
import org.latentlab.api.engine.AnalysisResult;

/** The report's own summary lines (markup) about an analysis: convergence, basins, stability, seed groups. */
final class AnalysisSummary {

    private AnalysisSummary() {}

    static List<String> lines(AnalysisResult r, List<SeedGroup> groups) {
        List<String> out = new ArrayList<>();
        long n = r.seedCount();
        long conv = r.seedSummary().converged();
        long div = r.seedSummary().diverged();
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
        if (r.lowPrecisionEvaluations() > 0) {
            out.add(String.format(Locale.ROOT, "Mixed precision: <b>%,d</b> evaluations of the model's bfloat16 version moved "
                    + "the seeds near their attractors, then <b>%,d</b> of the model itself (float32) finished them; every end "
                    + "point is a fixed point of the model by the stopping rule.", r.lowPrecisionEvaluations(), r.mapEvaluations()));
        }
        if (groups.size() > 1 && m > 0) {
            for (SeedGroup g : groups) {
                Set<Integer> reached = new TreeSet<>();
                int[] c = {0};
                SeedLabels.forEach(r, g.from(), g.to(), l -> {
                    if (l >= 0) {
                        reached.add(l);
                        c[0]++;
                    }
                });
                out.add(String.format(Locale.ROOT, "Seeds from <b>%s</b> (%d): %d converged, reaching %d attractor%s.",
                        Html.esc(g.name()), g.to() - g.from(), c[0], reached.size(), reached.size() == 1 ? "" : "s"));
            }
            SeedGroup a = groups.get(0);
            for (SeedGroup b : groups.subList(1, groups.size())) {
                Set<Integer> ra = new HashSet<>();
                SeedLabels.forEach(r, a.from(), a.to(), ra::add);
                int[] inA = {0};
                int[] conv2 = {0};
                SeedLabels.forEach(r, b.from(), b.to(), l -> {
                    if (l >= 0) {
                        conv2[0]++;
                        inA[0] += ra.contains(l) ? 1 : 0;
                    }
                });
                out.add(String.format(Locale.ROOT, "%.0f%% of the converged %s seeds end in attractors that %s seeds also "
                        + "reach: the attractors form a dictionary shared by both.", conv2[0] == 0 ? 0.0 : 100.0 * inA[0] / conv2[0],
                        Html.esc(b.name()), Html.esc(a.name())));
            }
        }
        return out;
    }
}
