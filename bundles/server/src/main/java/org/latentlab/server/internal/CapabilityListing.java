package org.latentlab.server.internal;

import java.util.List;
import org.latentlab.api.catalog.CapabilityKind;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.experiment.Experiment;
import org.latentlab.launcher.spi.PluginStatus;
import org.latentlab.server.internal.rest.ExperimentView;
import org.latentlab.server.internal.rest.PluginView;
import org.latentlab.server.internal.rest.ServiceView;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** What the lab can do now ({@code /api/services}, {@code /api/experiments}) and what became of each plugin file ({@code /api/plugins}). */
@Component(service = CapabilityListing.class)
public class CapabilityListing {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile Catalog catalog;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile PluginStatus plugins;

    List<ServiceView> services() {
        Catalog c = catalog;
        if (c == null) {
            throw ApiException.unavailable("catalog of services");
        }
        return c.list().stream().map(ServiceView::of).toList();
    }

    /** The experiments registered now, with their parameters ({@code GET /api/experiments}). */
    List<ExperimentView> experiments() {
        Catalog c = catalog;
        if (c == null) {
            throw ApiException.unavailable("catalog of services");
        }
        return c.list().stream().filter(i -> i.kind() == CapabilityKind.EXPERIMENT)
                .map(i -> ExperimentView.of(i, c.find(Experiment.class, i.id()).map(Experiment::needsModel).orElse(true)))
                .toList();
    }

    /** Every file in the plugins folder (none without the launcher's plugin watcher). */
    List<PluginView> plugins() {
        PluginStatus status = plugins;
        return status == null ? List.of() : status.files().stream().map(PluginView::of).toList();
    }
}
