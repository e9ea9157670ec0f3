package org.latentlab.server.internal.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code GET /api/status}: the data folder, the configuration in force and what could not be used.
 *
 * @param log    the server's log file, left out when there is none
 * @param engine whether the engine is there and its configuration in force
 */
public record StatusView(String home, int interruptedAtStart, List<String> modelRoots, int maxQueuedJobs, long maxRequestBytes,
        List<String> configurationProblems, List<String> notes, @JsonInclude(JsonInclude.Include.NON_NULL) String log,
        EngineView engine) {

    /** The engine's settings as SCR publishes them (strings), each left out until set. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EngineView(boolean available, String maxConcurrentJobs, String chunkSize, String modelBatch,
            String jacobianStep, String history) {}
}
