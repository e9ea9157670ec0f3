package org.latentlab.api;

import org.osgi.framework.Constants;

/**
 * Names of the service properties every LatentLab capability registers with. Consumers find
 * backends, strategies, clusterers, metrics, exporters and data sets by {@link #ID}, never by class.
 */
public final class ServiceProperties {
    /** Stable, unique id of a capability within its kind, e.g. {@code picard} or {@code onnx}. */
    public static final String ID = "latentlab.id";
    /** One-line human description (the standard {@code service.description}). */
    public static final String DESCRIPTION = Constants.SERVICE_DESCRIPTION;

    private ServiceProperties() {}
}
