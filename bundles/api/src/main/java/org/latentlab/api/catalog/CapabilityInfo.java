package org.latentlab.api.catalog;

import java.util.List;
import org.latentlab.api.ParameterSpec;

/**
 * What the catalog knows about one registered capability, readable without calling it.
 *
 * @param kind          its kind
 * @param id            its {@code latentlab.id}
 * @param description   its {@code service.description}
 * @param parameters    the parameters it accepts
 * @param bundle        symbolic name of the bundle that registered it
 * @param bundleVersion that bundle's version
 */
public record CapabilityInfo(CapabilityKind kind, String id, String description, List<ParameterSpec> parameters,
        String bundle, String bundleVersion) {
}
