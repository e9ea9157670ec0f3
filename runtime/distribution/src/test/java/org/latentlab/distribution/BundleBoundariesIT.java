package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house the code draws: plugin bundles meet only through the api's services and records and a few
 * service-free libraries. No LatentLab bundle of any feature imports another plugin's package, and only
 * the libraries export anything. Read from the manifests bnd wrote into the distribution's bundles.
 */
class BundleBoundariesIT {

    static final Path DIST = Path.of(System.getProperty("latentlab.distribution"));

    /**
     * Bundles whose packages others may import: the api, the libraries of the core feature, and the two the engine
     * features share (layer stacks, row workers).
     */
    static final Map<String, String> LIBRARIES = Map.of("latentlab-api", "org.latentlab.api", "latentlab-npy",
            "org.latentlab.npy|org.latentlab.io", "latentlab-numerics", "org.latentlab.numerics", "latentlab-layerstack",
            "org.latentlab.layerstack", "latentlab-rowworkers", "org.latentlab.rowworkers");
    /** Packages any bundle may import: the libraries' and the launcher SPI on the class path. */
    static final Pattern SHARED = Pattern.compile("org\\.latentlab\\.(api(\\..+)?|npy|io|numerics|layerstack|rowworkers|launcher\\.spi)");
    static final Pattern BUNDLE_ID = Pattern.compile("\"id\"\\s*:\\s*\"org\\.latentlab:([^:\"]+):([^\"]+)\"");

    /** artifactId -> jar, for every LatentLab bundle some feature lists. */
    static Map<String, Path> featureBundles() throws Exception {
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> features = Files.list(DIST.resolve("features"))) {
            for (Path f : features.filter(p -> p.toString().endsWith(".json")).toList()) {
                Matcher m = BUNDLE_ID.matcher(Files.readString(f));
                while (m.find()) {
                    if (m.group(1).startsWith("latentlab-feature")) {
                        continue;
                    }
                    Path jar = DIST.resolve("bundles/org/latentlab").resolve(m.group(1)).resolve(m.group(2))
                            .resolve(m.group(1) + "-" + m.group(2) + ".jar");
                    assertTrue(Files.isRegularFile(jar), f.getFileName() + " lists " + m.group(1) + " but " + jar + " is missing");
                    out.put(m.group(1), jar);
                }
            }
        }
        return out;
    }

    /** The org.latentlab package names in a manifest header (attributes and versions dropped). */
    static TreeSet<String> packages(Manifest mf, String header) {
        TreeSet<String> out = new TreeSet<>();
        String value = mf.getMainAttributes().getValue(header);
        if (value != null) {
            Matcher m = Pattern.compile("(?:^|,)\\s*(org\\.latentlab\\.[A-Za-z0-9_.]+)").matcher(value.replaceAll("\"[^\"]*\"", "\"\""));
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    @Test
    void noPluginImportsAnotherPluginsPackageAndOnlyLibrariesExport() throws Exception {
        Map<String, Path> bundles = featureBundles();
        assertTrue(bundles.size() >= 20 && bundles.containsKey("latentlab-engine") && bundles.containsKey("latentlab-api"),
                "the features list the LatentLab bundles: " + bundles.keySet());
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Path> b : bundles.entrySet()) {
            Manifest mf;
            try (JarFile jar = new JarFile(b.getValue().toFile())) {
                mf = jar.getManifest();
            }
            for (String p : packages(mf, "Import-Package")) {
                if (!SHARED.matcher(p).matches()) {
                    problems.add(b.getKey() + " imports " + p);
                }
            }
            String own = LIBRARIES.get(b.getKey());
            for (String p : packages(mf, "Export-Package")) {
                if (own == null || !Pattern.compile("(" + own + ")(\\..+)?").matcher(p).matches()) {
                    problems.add(b.getKey() + " exports " + p);
                }
            }
        }
        assertEquals(List.of(), problems, "bundle boundaries");
    }
}
