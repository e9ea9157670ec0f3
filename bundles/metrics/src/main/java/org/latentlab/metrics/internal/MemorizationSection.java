package org.latentlab.metrics.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.report.ReportCanvas;
import org.latentlab.api.report.ReportCanvas.Card;
import org.latentlab.api.report.ReportCanvas.Figure;
import org.latentlab.api.report.ReportSection;
import org.osgi.service.component.annotations.Component;

/**
 * The report's pictures of the attractors: D(z*) beside the nearest training example, with the
 * memorization of each, and the memorization lines of the summary. Reads the {@link Memorization}
 * artifact of whichever metric result holds one.
 */
@Component(service = ReportSection.class)
public class MemorizationSection implements ReportSection<AnalysisResult> {

    static final int MAX_GALLERY = 60;

    @Override
    public String id() {
        return "memorization";
    }

    @Override
    public Class<AnalysisResult> resultType() {
        return AnalysisResult.class;
    }

    @Override
    public int order() {
        return 200;
    }

    @Override
    public boolean appliesTo(AnalysisResult result) {
        return find(result).isPresent();
    }

    @Override
    public Optional<String> hint(AnalysisResult result) {
        return result.attractors().isEmpty() ? Optional.empty()
                : Optional.of("No pictures of the attractors: run with the metric memorization (and training data) for "
                        + "decoded attractors beside their nearest training examples.");
    }

    static Optional<Memorization> find(AnalysisResult result) {
        return result.metrics().values().stream().map(r -> r.artifact(Memorization.class)).flatMap(Optional::stream)
                .findFirst();
    }

    @Override
    public void render(AnalysisResult r, ReportCanvas canvas) throws IOException {
        Memorization m = find(r).orElseThrow();
        int attractors = r.attractors().size();
        if (m.trainingExamples().isPresent() && !m.entries().isEmpty()) {
            canvas.summary(String.format(Locale.ROOT, "Memorization: mean %.3f; %d of %d attractors decode to a near-copy of "
                    + "a training example (cosine > %s), out of %d training examples.", m.mean(), m.memorized(), attractors,
                    m.threshold(), m.trainingExamples().getAsInt()));
            canvas.summary((m.memorized() > attractors / 2 ? "By this measure most attractors reproduce training examples, as "
                    + "an associative memory of the training set would (memorization)."
                    : "By this measure few attractors reproduce training examples: they are prototypes rather than stored "
                            + "examples (generalization).")
                    + " Cosine similarity of non-negative images is high even for blurred prototypes: compare the pictures below.");
        }
        if (m.entries().isEmpty()) {
            return;
        }
        canvas.heading("Decoded attractors");
        canvas.paragraph("Ordered by basin size. Each card shows D(z*), the decoded attractor"
                + (m.trainingExamples().isPresent() ? ", beside its nearest training example (by cosine similarity)" : "") + ".");
        List<Card> cards = new ArrayList<>();
        long n = r.seedCount();
        for (Memorization.Entry e : m.entries().subList(0, Math.min(MAX_GALLERY, m.entries().size()))) {
            List<Figure> figures = new ArrayList<>();
            Optional<String> dec = canvas.image("attractor-" + e.attractor(), e.decoded());
            dec.ifPresent(src -> figures.add(new Figure(src, "D(z*)", "decoded attractor " + e.attractor())));
            if (e.nearest().isPresent()) {
                canvas.image("nearest-" + e.attractor(), e.nearest().get()).ifPresent(src -> figures.add(
                        new Figure(src, "nearest train #" + e.nearestIndex(), "nearest training example")));
            }
            List<String> lines = new ArrayList<>();
            if (e.attractor() < r.attractors().size()) {
                Attractor a = r.attractors().get(e.attractor());
                lines.add(a.kind().name().toLowerCase(Locale.ROOT));
                lines.add(String.format(Locale.ROOT, "basin %d (%.1f%%)", a.basinSize(), 100.0 * a.basinSize() / Math.max(1, n)));
            }
            if (!Double.isNaN(e.memorization())) {
                lines.add(String.format(Locale.ROOT, "mem %.3f", e.memorization()));
            }
            cards.add(new Card("#" + e.attractor(), canvas.color(e.attractor()), figures, lines));
        }
        canvas.gallery(cards);
        if (m.entries().size() > MAX_GALLERY) {
            canvas.note((m.entries().size() - MAX_GALLERY) + " more decoded attractors are in result.json.");
        }
    }
}
