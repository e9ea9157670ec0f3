package org.latentlab.server.internal.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.latentlab.launcher.spi.PluginFile;

/** A file in the plugins folder and what became of it ({@code GET /api/plugins}); the reason for those that cannot be used. */
public record PluginView(String file, String state, String bundle, String since,
        @JsonInclude(JsonInclude.Include.NON_NULL) String reason) {

    public static PluginView of(PluginFile f) {
        return new PluginView(f.name(), f.state().name().toLowerCase(), f.bundle(), f.since() == null ? null : f.since().toString(),
                f.reason());
    }
}
