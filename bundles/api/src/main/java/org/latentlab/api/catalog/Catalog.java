package org.latentlab.api.catalog;

import java.util.List;
import java.util.Optional;
import org.latentlab.api.Capability;
import org.latentlab.api.LatentLabException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The capabilities registered right now, by kind and id. Bundles come and go while the lab runs, so
 * look a capability up when a job starts rather than keeping it.
 */
@ProviderType
public interface Catalog {

    /** Every capability registered now, sorted by kind and id. */
    List<CapabilityInfo> list();

    /** The capability of the given interface with the given id, if one is registered now. */
    <T extends Capability> Optional<T> find(Class<T> type, String id);

    /**
     * Like {@link #find}, but fails with a message that lists the ids that are registered.
     *
     * @throws LatentLabException when none has that id
     */
    default <T extends Capability> T require(Class<T> type, String id) {
        return find(type, id).orElseThrow(() -> {
            CapabilityKind kind = CapabilityKind.of(type);
            List<String> ids = list().stream().filter(i -> i.kind() == kind).map(CapabilityInfo::id).toList();
            return new LatentLabException("no " + kind.label() + " with id '" + id + "' is registered; registered: " + ids);
        });
    }
}
