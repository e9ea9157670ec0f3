package org.latentlab.doctor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Version;

class PluginJarsTest {

    @TempDir
    Path dir;

    Path bundle(String name, String bsn, String version) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (bsn != null) {
            a.putValue("Bundle-SymbolicName", bsn);
        }
        if (version != null) {
            a.putValue("Bundle-Version", version);
        }
        Path p = dir.resolve(name);
        try (OutputStream os = Files.newOutputStream(p); JarOutputStream jos = new JarOutputStream(os, mf)) {
            jos.putNextEntry(new JarEntry("a.txt"));
            jos.write(new byte[100]);
            jos.closeEntry();
        }
        return p;
    }

    @Test
    void aBundleGivesItsIdentity() throws IOException {
        PluginJars.Inspection i = new PluginJars().inspect(bundle("ok.jar", "org.example.plugin;singleton:=true", "1.2.3"));
        assertNull(i.problem());
        assertEquals(new PluginJars.Header("org.example.plugin", new Version(1, 2, 3), false), i.header());
    }

    @Test
    void everyKindOfBrokenFileHasAReasonThatSaysWhat() throws IOException {
        byte[] random = new byte[3000];
        new Random(1).nextBytes(random);
        Path ok = bundle("ok.jar", "org.example", "1.0.0");
        byte[] whole = Files.readAllBytes(ok);
        Path noManifest = dir.resolve("nomf.jar");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(noManifest))) {
            z.putNextEntry(new ZipEntry("x.txt"));
            z.closeEntry();
        }
        PluginJars jars = new PluginJars();
        assertTrue(jars.inspect(Files.write(dir.resolve("r.jar"), random)).problem().startsWith("not a jar (zip) file"));
        assertTrue(jars.inspect(Files.write(dir.resolve("t.jar"), Arrays.copyOf(whole, whole.length - 30))).problem()
                .startsWith("not a jar (zip) file"));
        assertTrue(jars.inspect(Files.write(dir.resolve("e.jar"), new byte[0])).problem().startsWith("not a jar (zip) file"));
        assertTrue(jars.inspect(noManifest).problem().contains("has no META-INF/MANIFEST.MF"));
        assertTrue(jars.inspect(bundle("plain.jar", null, null)).problem().contains("has no Bundle-SymbolicName"));
        assertTrue(jars.inspect(bundle("v.jar", "org.example", "one.two")).problem().contains("Bundle-Version 'one.two'"));
        assertTrue(jars.inspect(dir.resolve("missing.jar")).problem().startsWith("unreadable"));
    }

    @Test
    void aFileRewrittenInPlaceIsReadAgain() throws IOException {
        PluginJars jars = new PluginJars();
        Path p = bundle("p.jar", "org.example", "1.0.0");
        assertNull(jars.inspect(p).problem());
        Files.write(p, new byte[] {1, 2, 3});
        assertTrue(jars.inspect(p).problem().startsWith("not a jar"));
    }
}
