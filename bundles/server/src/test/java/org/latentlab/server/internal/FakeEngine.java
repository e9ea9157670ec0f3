package org.latentlab.server.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.engine.AnalysisEngine;
import org.latentlab.api.engine.AnalysisRequest;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.engine.Job;

/** An engine that runs nothing: its jobs move only when a test moves them. */
final class FakeEngine implements AnalysisEngine {

    final List<FakeJob<AnalysisResult>> submitted = new ArrayList<>();
    /** When set, submit refuses with it (as the engine's own validation would). */
    String refusal;

    @Override
    public Job<AnalysisResult> submit(AnalysisRequest request) {
        return submit(request, "job-" + submitted.size());
    }

    @Override
    public synchronized Job<AnalysisResult> submit(AnalysisRequest request, String id) {
        if (refusal != null) {
            throw new LatentLabException(refusal);
        }
        FakeJob<AnalysisResult> j = new FakeJob<>(id, request);
        submitted.add(j);
        return j;
    }

    @Override
    public List<Job<AnalysisResult>> jobs() {
        return List.copyOf(submitted);
    }

    @Override
    public Optional<Job<AnalysisResult>> job(String id) {
        return submitted.stream().filter(j -> j.id().equals(id)).map(j -> (Job<AnalysisResult>) j).findFirst();
    }
}
