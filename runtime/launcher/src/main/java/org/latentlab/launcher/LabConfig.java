package org.latentlab.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to start a lab.
 *
 * @param home         data folder: plugins/, config/, cache/, and everything jobs write
 * @param distribution installation folder holding lib/ (the launcher class path), bundles/ (Maven layout) and features/
 * @param features     feature names to start (file names in features/ without .json); empty means the default
 *                     ones plus those that declare {@code command}
 * @param command      the subcommand to run, or null
 * @param pollMillis   how often the plugins folder is scanned
 * @param interactive  whether the Gogo shell reads the terminal
 * @param properties   extra framework properties, overriding the defaults
 */
public record LabConfig(Path home, Path distribution, List<String> features, String command, long pollMillis,
        boolean interactive, Map<String, String> properties) {

    public Path plugins() {
        return home.resolve("plugins");
    }

    public Path featuresDir() {
        return distribution.resolve("features");
    }

    /** The launcher class path: Felix, the launcher, its SPI and the native engine tier. */
    public Path lib() {
        return distribution.resolve("lib");
    }

    public Path bundleRepository() {
        return distribution.resolve("bundles");
    }
}
