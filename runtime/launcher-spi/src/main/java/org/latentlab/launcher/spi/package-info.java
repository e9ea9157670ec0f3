/**
 * Contract between the LatentLab launcher and bundles: subcommands bundles offer ({@link Subcommand}), and
 * the state of the plugins folder the launcher watches ({@link PluginStatus}), where a configuration came from
 * ({@link ConfigFiles}), and what every front end shares: the
 * command-line conventions on picocli ({@link CommandLines}) and the terminal progress printer ({@link ProgressPrinter}). This package is on the
 * launcher class path and exported by the system bundle (org.osgi.framework.system.packages.extra), so
 * its classes are the same for the launcher and for every bundle, however often bundles are updated. picocli lies beside it on the launcher class path, exported the same way.
 */
@Export
@Version("1.6.0")
package org.latentlab.launcher.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
