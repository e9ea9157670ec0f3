package org.latentlab.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemPackagesTest {

    @TempDir
    Path dir;

    private Path jar(String name, Manifest mf, String... entries) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream os = Files.newOutputStream(p); JarOutputStream jos = mf == null ? new JarOutputStream(os)
                : new JarOutputStream(os, mf)) {
            for (String e : entries) {
                jos.putNextEntry(new JarEntry(e));
                jos.closeEntry();
            }
        }
        return p;
    }

    private static Manifest manifest(String... kv) {
        Manifest mf = new Manifest();
        mf.getMainAttributes().putValue("Manifest-Version", "1.0");
        for (int i = 0; i < kv.length; i += 2) {
            mf.getMainAttributes().putValue(kv[i], kv[i + 1]);
        }
        return mf;
    }

    @Test
    void plainJarsExportEveryClassPackageUnversioned() throws IOException {
        Path engine = jar("engine.jar", null, "ai/djl/Model.class", "ai/djl/ndarray/NDArray.class",
                "META-INF/versions/9/ai/djl/X.class", "native/lib/libtorch.so", "module-info.class",
                "org/latentlab/launcher/Main.class", "java/lang/Fake.class");
        List<String> exports = Arrays.asList(SystemPackages.exportsOf(List.of(engine)).split(","));
        assertEquals(List.of("ai.djl", "ai.djl.ndarray"), exports);
    }

    @Test
    void bundlesKeepTheirVersionedExportsAndTheFrameworkIsSkipped() throws IOException {
        Path spi = jar("spi.jar", manifest("Bundle-SymbolicName", "spi", "Export-Package",
                "org.latentlab.launcher.spi;version=\"1.0.0\""), "org/latentlab/launcher/spi/Subcommand.class");
        Path felix = jar("felix.jar", manifest("Bundle-SymbolicName", "org.apache.felix.framework", "Export-Package",
                "org.osgi.framework;version=\"1.10\""), "org/osgi/framework/Bundle.class");
        Path noExports = jar("lib.jar", manifest("Bundle-SymbolicName", "lib"), "com/x/A.class");
        String exports = SystemPackages.exportsOf(List.of(spi, felix, noExports));
        assertEquals("org.latentlab.launcher.spi;version=\"1.0.0\"", exports);
        assertFalse(exports.contains("org.osgi"));
    }

    @Test
    void libFolderListsJarsOnlyAndAMissingFolderIsNamed() throws IOException {
        jar("a.jar", null, "a/A.class");
        Files.writeString(dir.resolve("notes.txt"), "x");
        assertEquals(List.of(dir.resolve("a.jar")), SystemPackages.jarsIn(dir));
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> SystemPackages.jarsIn(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("nope"));
    }
}
