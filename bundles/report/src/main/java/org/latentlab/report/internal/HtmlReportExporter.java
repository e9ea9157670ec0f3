package org.latentlab.report.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.export.Exporter;
import org.latentlab.api.report.ReportSection;
import org.latentlab.api.report.ReportWriter;
import org.latentlab.io.AtomicFile;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * report.html: what a researcher wants to see first. The report's own parts (summary, attractors,
 * basins, stability, files) and every {@link ReportSection} registered for analysis results
 * (whiteboard: metric bundles add theirs, e.g. decoded attractors or the latent field), in order.
 * It names no metric. Optional seed groups (parameter {@code groups}, e.g.
 * {@code test:1000,noise:1000}) are compared: which attractors each group reaches.
 */
@Component(service = {Exporter.class, ReportWriter.class}, property = {ServiceProperties.ID + "=html",
        ServiceProperties.DESCRIPTION + "=report.html with pictures: attractors, basins, latent field, spectra"})
public class HtmlReportExporter implements Exporter, ReportWriter {

    private final List<ReportSection<?>> sections = new CopyOnWriteArrayList<>();

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.text("groups", "", "seed groups in order, e.g. test:1000,noise:1000 (empty: one group)"),
                ParameterSpec.text("title", "", "report title (default: the model name)"));
    }

    @Reference(service = ReportSection.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addSection(ReportSection<?> section) {
        sections.add(section);
    }

    void removeSection(ReportSection<?> section) {
        sections.remove(section);
    }

    @Override
    public List<Path> export(AnalysisResult r, Path outDir, Parameters params) throws IOException {
        Page page = page(r, params, sections, outDir.resolve(HtmlCanvas.ASSETS));
        List<Path> written = new ArrayList<>();
        written.add(AtomicFile.writeString(outDir.resolve("report.html"), PageTemplate.render(page)));
        written.addAll(page.files());
        return written;
    }

    /** The report of an experiment (or any result): only the sections registered for its type. */
    @Override
    public List<Path> write(Object result, String title, String meta, List<String> summary, Path folder) throws IOException {
        Page page = PageBuilder.build(result, title, meta, summary, List.copyOf(sections), folder.resolve(HtmlCanvas.ASSETS));
        List<Path> written = new ArrayList<>();
        written.add(AtomicFile.writeString(folder.resolve("report.html"), PageTemplate.render(page)));
        written.addAll(page.files());
        return written;
    }

    /** The page for {@code r}: the report's own sections and {@code contributed}, pictures written into {@code assets}. */
    static Page page(AnalysisResult r, Parameters params, List<ReportSection<?>> contributed, Path assets) {
        int n = (int) r.seedCount();
        List<SeedGroup> groups = SeedGroup.parse(params.getString("groups", ""), n);
        String title = params.getString("title", "").isBlank() ? "Latent dynamics of " + r.model().name()
                : params.getString("title", "");
        String meta = String.format(Locale.ROOT, "%d seeds (%s) · strategy %s %s · clusterer %s %s · %.1f s", n,
                r.seedOrigin(), r.strategy(), r.strategyParams().values(), r.clusterer(), r.clustererParams().values(),
                r.elapsedMillis() / 1000.0);
        List<ReportSection<?>> all = new ArrayList<>(List.of(new AttractorsSection(), new BasinsSection(groups),
                new StabilitySection(), new FilesSection()));
        all.addAll(contributed);
        return PageBuilder.build(r, title, meta, AnalysisSummary.lines(r, groups), all, assets);
    }
}
