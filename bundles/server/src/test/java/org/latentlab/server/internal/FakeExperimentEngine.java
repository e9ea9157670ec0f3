package org.latentlab.server.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.engine.Job;
import org.latentlab.api.experiment.ExperimentEngine;
import org.latentlab.api.experiment.ExperimentRequest;
import org.latentlab.api.experiment.ExperimentResult;

/** An experiment engine that runs nothing: its jobs move only when a test moves them. */
final class FakeExperimentEngine implements ExperimentEngine {

    final List<FakeJob<ExperimentResult>> submitted = new ArrayList<>();
    /** When set, submit refuses with it (as the engine's own validation would). */
    String refusal;

    @Override
    public Job<ExperimentResult> submit(ExperimentRequest request) {
        return submit(request, "experiment-" + submitted.size());
    }

    @Override
    public synchronized Job<ExperimentResult> submit(ExperimentRequest request, String id) {
        if (refusal != null) {
            throw new LatentLabException(refusal);
        }
        FakeJob<ExperimentResult> j = new FakeJob<>(id, request);
        submitted.add(j);
        return j;
    }

    @Override
    public List<Job<ExperimentResult>> jobs() {
        return List.copyOf(submitted);
    }

    @Override
    public Optional<Job<ExperimentResult>> job(String id) {
        return submitted.stream().filter(j -> j.id().equals(id)).map(j -> (Job<ExperimentResult>) j).findFirst();
    }
}
