package org.latentlab.server.internal.rest;

import java.util.List;
import org.latentlab.api.catalog.CapabilityInfo;

/** One registered experiment ({@code GET /api/experiments}): what the page needs to offer a form for it. */
public record ExperimentView(String id, String description, boolean needsModel, String bundle, String version,
        List<ParameterView> parameters) {

    public static ExperimentView of(CapabilityInfo i, boolean needsModel) {
        return new ExperimentView(i.id(), i.description(), needsModel, i.bundle(), i.bundleVersion(),
                i.parameters().stream().map(ParameterView::of).toList());
    }
}
