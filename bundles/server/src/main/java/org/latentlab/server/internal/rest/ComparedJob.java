package org.latentlab.server.internal.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One job in a {@link JobComparison}. Absent parts are left out ({@code experiment} for analyses,
 * {@code model} when the job has none, {@code title}, {@code message}, {@code note}); maps and lists are
 * always there, possibly empty.
 *
 * @param kind       {@code analysis} or {@code experiment}
 * @param status     lower case, a finished one: succeeded, failed, cancelled, interrupted
 * @param title      an experiment's headline (its summary's title)
 * @param parameters the request's values by dotted name as in the request body ({@code strategy},
 *                   {@code strategyParams.tolerance}, {@code seeds.noise}, {@code metrics.memorization.k},
 *                   {@code params.spec}...), with the defaults of the services registered now filled in
 * @param numbers    the summary numbers by name: an analysis's counts and every metric's scalar summary
 *                   ({@code memorization.mean}), an experiment's summary values; null where not finite
 * @param pictures   addresses of decoded attractor pictures of its report ({@code /api/jobs/ID/files/report/attractor-0.png}),
 *                   largest basins first; empty when its folder has none
 * @param note       why part of it could not be read (e.g. a damaged result.json)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComparedJob(String id, String kind, String status, String created, String finished, String experiment, String model,
        String title, String message, Map<String, String> parameters, Map<String, JsonNode> numbers, List<String> pictures,
        String note) {

    public ComparedJob {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        numbers = Collections.unmodifiableMap(new LinkedHashMap<>(numbers));
        pictures = List.copyOf(pictures);
    }
}
