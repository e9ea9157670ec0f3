package org.latentlab.doctor.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipException;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;

/**
 * Reads what a plugin file says it is: the bundle in its manifest, or why it is not a bundle. Checks what
 * FileInstall needs (a readable zip, a manifest near the start, a Bundle-SymbolicName) and skips silently
 * when it is missing. Results are cached per file size and modification time.
 */
final class PluginJars {

    /** The identity of a bundle: two files with equal headers hold the same bundle for the framework. */
    record Header(String symbolicName, Version version, boolean fragment) {
        @Override
        public String toString() {
            return symbolicName + " " + version;
        }
    }

    /** Either a header or the reason the file is not a bundle. */
    record Inspection(Header header, String problem) {
        static Inspection problem(String reason) {
            return new Inspection(null, reason);
        }
    }

    private record Stamp(long size, long modified) {}

    private record Cached(Stamp stamp, Inspection inspection) {}

    private final Map<Path, Cached> cache = new ConcurrentHashMap<>();

    /** What the file holds now. */
    Inspection inspect(Path file) {
        Stamp stamp;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            stamp = new Stamp(a.size(), a.lastModifiedTime().toMillis());
        } catch (IOException e) {
            return Inspection.problem("unreadable (" + Problems.oneLine(e) + ")");
        }
        Cached c = cache.get(file);
        if (c != null && c.stamp().equals(stamp)) {
            return c.inspection();
        }
        Inspection i = read(file);
        cache.put(file, new Cached(stamp, i));
        return i;
    }

    void forget(Path file) {
        cache.remove(file);
    }

    static Inspection read(Path file) {
        Manifest manifest;
        try (JarFile jar = new JarFile(file.toFile(), false)) {
            manifest = jar.getManifest();
        } catch (ZipException e) {
            return Inspection.problem("not a jar (zip) file (" + e.getMessage() + "): random bytes, or a copy cut short");
        } catch (IOException | SecurityException e) {
            return Inspection.problem("not a readable jar (" + Problems.oneLine(e) + ")");
        }
        if (manifest == null) {
            return Inspection.problem("not an OSGi bundle: the jar has no META-INF/MANIFEST.MF");
        }
        Attributes main = manifest.getMainAttributes();
        String bsn = main.getValue(Constants.BUNDLE_SYMBOLICNAME);
        if (bsn == null || bsn.isBlank()) {
            return Inspection.problem("a plain jar, not an OSGi bundle: its manifest has no Bundle-SymbolicName");
        }
        bsn = bsn.split(";", 2)[0].trim();
        String v = main.getValue(Constants.BUNDLE_VERSION);
        Version version;
        try {
            version = v == null ? Version.emptyVersion : Version.parseVersion(v.trim());
        } catch (IllegalArgumentException e) {
            return Inspection.problem("not a valid bundle: its Bundle-Version '" + v + "' is not an OSGi version (major.minor.micro.qualifier)");
        }
        // FileInstall reads the manifest as a stream: it must come first, as the jar tool and bnd write it
        try (JarInputStream in = new JarInputStream(Files.newInputStream(file), false)) {
            if (in.getManifest() == null) {
                return Inspection.problem("not a valid bundle: its META-INF/MANIFEST.MF is not at the start of the jar (build it with the jar tool or bnd)");
            }
        } catch (IOException e) {
            return Inspection.problem("not a readable jar (" + Problems.oneLine(e) + ")");
        }
        return new Inspection(new Header(bsn, version, main.getValue(Constants.FRAGMENT_HOST) != null), null);
    }
}
