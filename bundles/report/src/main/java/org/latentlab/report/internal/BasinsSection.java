package org.latentlab.report.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.report.ReportCanvas;
import org.latentlab.api.report.ReportSection;

/** Basin sizes as bars, stacked by seed group when there are several. */
final class BasinsSection implements ReportSection<AnalysisResult> {

    static final int MAX_BARS = 40;
    static final String[] SHADES = {"#4c78a8", "#f58518", "#54a24b", "#b279a2"};

    private final List<SeedGroup> groups;

    BasinsSection(List<SeedGroup> groups) {
        this.groups = List.copyOf(groups);
    }

    @Override
    public String id() {
        return "basins";
    }

    @Override
    public Class<AnalysisResult> resultType() {
        return AnalysisResult.class;
    }

    @Override
    public int order() {
        return 300;
    }

    @Override
    public boolean appliesTo(AnalysisResult result) {
        return true;
    }

    @Override
    public void render(AnalysisResult r, ReportCanvas canvas) {
        canvas.heading("Basins");
        List<Attractor> atts = r.attractors().subList(0, Math.min(MAX_BARS, r.attractors().size()));
        if (atts.isEmpty()) {
            canvas.paragraph("No basins.");
            return;
        }
        Map<Integer, int[]> perGroup = new LinkedHashMap<>();
        for (Attractor a : atts) {
            perGroup.put(a.id(), new int[groups.size()]);
        }
        for (int gi = 0; gi < groups.size(); gi++) {
            int g = gi;
            SeedLabels.forEach(r, groups.get(gi).from(), groups.get(gi).to(), l -> {
                int[] c = perGroup.get(l);
                if (c != null) {
                    c[g]++;
                }
            });
        }
        int max = atts.stream().mapToInt(Attractor::basinSize).max().orElse(1);
        Svg s = new Svg(760, 260, -0.5, atts.size() - 0.5, 0, max * 1.05);
        for (int i = 0; i < atts.size(); i++) {
            Attractor a = atts.get(i);
            double base = 0;
            int[] c = perGroup.get(a.id());
            for (int gi = 0; gi < c.length; gi++) {
                s.rect(i - 0.38, base, i + 0.38, base + c[gi], SHADES[gi % SHADES.length],
                        "attractor #" + a.id() + ", " + groups.get(gi).name() + ": " + c[gi]);
                base += c[gi];
            }
            if (atts.size() <= 25) {
                s.text(i, -max * 0.05, "#" + a.id(), "middle", 10);
            }
        }
        s.axes("attractor (by basin size)", "seeds");
        canvas.plot(s, "");
        if (groups.size() > 1) {
            StringBuilder legend = new StringBuilder("<p class='legend'>");
            for (int gi = 0; gi < groups.size(); gi++) {
                legend.append("<span style='color:").append(SHADES[gi % SHADES.length]).append("'>■</span> ")
                        .append(Html.esc(groups.get(gi).name())).append(" &nbsp; ");
            }
            canvas.html(legend.append("</p>").toString());
        }
    }
}
