package org.latentlab.server.internal.rest;

import java.util.List;
import org.latentlab.api.catalog.CapabilityInfo;

/** One registered capability ({@code GET /api/services}). */
public record ServiceView(String kind, String id, String description, String bundle, String version,
        List<ParameterView> parameters) {

    public static ServiceView of(CapabilityInfo i) {
        return new ServiceView(i.kind().label(), i.id(), i.description(), i.bundle(), i.bundleVersion(),
                i.parameters().stream().map(ParameterView::of).toList());
    }
}
