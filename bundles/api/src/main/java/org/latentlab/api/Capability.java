package org.latentlab.api;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What every pluggable LatentLab service has in common: the parameters it accepts. Its id and
 * description are service properties ({@link ServiceProperties}) so they can be read without
 * loading the implementation.
 */
@ConsumerType
public interface Capability {

    /** The parameters this capability accepts, with defaults; empty when it takes none. */
    default List<ParameterSpec> parameters() {
        return List.of();
    }
}
