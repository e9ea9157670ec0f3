package org.latentlab.launcher.spi;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What became of the files in the plugins folder ({@code DATA/plugins}): which are in use, which are
 * still being installed and which cannot be used, and why. The core runtime registers one such
 * service; {@code latentlab services} and {@code latentlab doctor} show it, and the launcher uses it so
 * a command does not wait for plugins that will never start. Plugins that cannot be used are also
 * logged once, one line each, when they are found. The answer is a snapshot, cheap to ask for often.
 */
@ProviderType
public interface PluginStatus {

    /** Every file in the plugins folder now, sorted by name. */
    List<PluginFile> files();

    /** The files that cannot be used, sorted by name; empty when all is well. */
    default List<PluginFile> problems() {
        return files().stream().filter(f -> f.state() == PluginFile.State.PROBLEM).toList();
    }
}
