package org.latentlab.report.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.attractor.FixedPointKind;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.engine.AnalysisResult;

/** The report's own summary lines (markup) about an analysis: convergence, basins, stability, seed groups. */
final class AnalysisSummary {

    private AnalysisSummary() {}

    static List<String> lines(AnalysisResult r, List<SeedGroup> groups) {
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
        if (groups.size() > 1 && m > 0) {
            for (SeedGroup g : groups) {
                Set<Integer> reached = new TreeSet<>();
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
            SeedGroup a = groups.get(0);
            for (SeedGroup b : groups.subList(1, groups.size())) {
                Set<Integer> ra = new HashSet<>();
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
}
