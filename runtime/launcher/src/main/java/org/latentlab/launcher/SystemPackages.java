package org.latentlab.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Computes {@code org.osgi.framework.system.packages.extra}: the packages of the launcher class path
 * (the native engine tier and the launcher SPI) that the system bundle exports to bundles. Jars that
 * are bundles keep their own versioned Export-Package; plain jars (DJL, ONNX Runtime, ND4J) export
 * every package they hold, unversioned, so any import of them matches.
 */
final class SystemPackages {

    private SystemPackages() {}

    /**
     * The jars of the distribution's lib/ folder: the launcher class path. Exports are computed from
     * this folder, not from java.class.path, so a test JVM whose class path also holds bundles does
     * not export them from the system bundle.
     */
    static List<Path> jarsIn(Path lib) throws IOException {
        if (!Files.isDirectory(lib)) {
            throw new IOException("no lib folder at " + lib + " (is the distribution complete?)");
        }
        try (var s = Files.list(lib)) {
            return s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    /** The export clauses of the given jars, comma-separated. */
    static String exportsOf(List<Path> jars) throws IOException {
        List<String> clauses = new ArrayList<>();
        Set<String> plainPackages = new TreeSet<>();
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar)) {
                continue;
            }
            try (JarFile jf = new JarFile(jar.toFile())) {
                Manifest mf = jf.getManifest();
                Attributes main = mf == null ? null : mf.getMainAttributes();
                String exports = main == null ? null : main.getValue("Export-Package");
                String bsn = main == null ? null : main.getValue("Bundle-SymbolicName");
                if (bsn != null && bsn.startsWith("org.apache.felix.framework")) {
                    continue; // the framework exports its own packages
                }
                if (bsn != null) {
                    if (exports != null && !exports.isBlank()) {
                        clauses.add(exports.trim());
                    }
                    continue;
                }
                for (JarEntry e : (Iterable<JarEntry>) jf.stream()::iterator) {
                    String n = e.getName();
                    int slash = n.lastIndexOf('/');
                    if (n.endsWith(".class") && slash > 0 && !n.startsWith("META-INF/")) {
                        String pkg = n.substring(0, slash).replace('/', '.');
                        if (isExportable(pkg)) {
                            plainPackages.add(pkg);
                        }
                    }
                }
            }
        }
        clauses.addAll(plainPackages);
        return String.join(",", clauses);
    }

    private static boolean isExportable(String pkg) {
        if (pkg.startsWith("java.") || pkg.startsWith("org.osgi.")) {
            return false;
        }
        // The launcher's own classes are private; only its SPI (a bundle jar) is shared.
        if (pkg.startsWith("org.latentlab.launcher")) {
            return false;
        }
        for (String part : pkg.split("\\.")) {
            if (!isJavaIdentifier(part)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isJavaIdentifier(String s) {
        if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0))) {
            return false;
        }
        return s.chars().allMatch(Character::isJavaIdentifierPart);
    }
}
