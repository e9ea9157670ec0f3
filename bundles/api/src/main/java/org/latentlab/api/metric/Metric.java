package org.latentlab.api.metric;

import org.latentlab.api.Capability;
import org.latentlab.api.Parameters;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * An analysis of a finished run: memorization, basins, stability, distribution shift, dictionary,
 * or anything a researcher adds by dropping a bundle with a {@code Metric} service (with a
 * {@code latentlab.id}) into the plugins folder.
 */
@ConsumerType
public interface Metric extends Capability {

    /** Computes the metric. Field names should be camelCase and stable: they appear in result.json. */
    MetricResult compute(MetricContext context, Parameters params);
}
