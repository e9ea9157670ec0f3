package org.latentlab.server.internal.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** One row of {@code GET /api/jobs/compare}. */
public record CompareRow(String id, String status, String model, String strategy, String clusterer,
        @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode summary) {}
