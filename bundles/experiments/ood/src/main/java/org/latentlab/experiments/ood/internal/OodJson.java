package org.latentlab.experiments.ood.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes {@code ood.json}: the settings in force and, per score in column order, AUROC, FPR95 and the score statistics. */
final class OodJson {

    private OodJson() {}

    static Map<String, Object> tree(OodReport r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("experiment", OodExperiment.ID);
        root.put("model", r.model());
        root.put("training", r.training());
        root.put("in", r.in());
        root.put("ood", r.ood());
        root.put("counts", ordered("training", r.trainingCount(), "in", r.inCount(), "ood", r.oodCount()));
        root.put("steps", r.steps());
        root.put("knn", r.knn());
        root.put("attractorSeeds", r.attractorSeeds());
        root.put("strategy", ordered("id", r.strategy(), "parameters", r.strategyParams()));
        root.put("clusterer", ordered("id", r.clusterer(), "parameters", r.clustererParams()));
        root.put("trainingAttractors", ordered("seeds", r.seedsUsed(), "converged", r.converged(), "count", r.attractors()));
        root.put("positive", "ood");
        root.put("columns", r.scores().stream().map(ScoreSummary::id).toList());
        List<Map<String, Object>> scores = new ArrayList<>();
        for (ScoreSummary s : r.scores()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            m.put("description", s.description());
            m.put("parameters", s.parameters());
            m.put("auroc", s.auroc());
            m.put("fpr95", s.fpr95());
            m.put("meanIn", s.meanIn());
            m.put("medianIn", s.medianIn());
            m.put("meanOod", s.meanOod());
            m.put("medianOod", s.medianOod());
            scores.add(m);
        }
        root.put("scores", scores);
        root.put("best", r.best().id());
        root.put("files", ordered("in", OodExperiment.SCORES_IN, "ood", OodExperiment.SCORES_OOD));
        return root;
    }

    static void write(Path file, OodReport r) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), tree(r));
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
