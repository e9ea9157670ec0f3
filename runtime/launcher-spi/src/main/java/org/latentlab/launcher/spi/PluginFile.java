package org.latentlab.launcher.spi;

import java.time.Instant;

/**
 * One file in the plugins folder and what the lab made of it.
 *
 * @param name    the file name (the plugins folder holds no sub-folders that matter)
 * @param state   whether the lab uses it
 * @param bundle  {@code symbolicName version} from its manifest, or null when it is not a bundle
 * @param reason  why it is not used: one line that names the cause and what to do; null unless
 *                {@code state} is {@link State#PROBLEM}
 * @param since   when the file entered this state (with this reason)
 */
public record PluginFile(String name, State state, String bundle, String reason, Instant since) {

    /** What the lab made of a plugin file. */
    public enum State {
        /** Its bundle is active (or, for a fragment, attached): its services are in use. */
        ACTIVE,
        /** Being copied, installed or started right now; becomes ACTIVE or PROBLEM within a few scans. */
        WAITING,
        /** It cannot be used; {@link PluginFile#reason()} says why. Stays until the file is changed or removed. */
        PROBLEM
    }
}
