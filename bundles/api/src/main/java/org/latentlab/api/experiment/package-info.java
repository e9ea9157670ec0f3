/**
 * Experiments: research questions answered by composing analyses (out-of-distribution scores side by
 * side, attractor dictionaries, sweeps). An experiment is a service with an id like every capability;
 * the platform runs it as a job with progress and cancel, publishes its files atomically and writes
 * its report from the {@link org.latentlab.api.report.ReportSection}s registered for its result type.
 */
@Export
@Version("1.1.0")
package org.latentlab.api.experiment;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
