package org.latentlab.distribution;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** The broken plugin files a careless user drops into the plugins folder, made in a scratch folder. */
final class PluginTestJars {

    static final String SAMPLE = "latentlab-sample-path-length-metric";

    /** A bad plugin: its file name, its bytes, and words the lab's reason for refusing it must contain. */
    record Bad(String fileName, Path jar, String reason) {}

    private final Path scratch;

    PluginTestJars(Path scratch) {
        this.scratch = scratch;
    }

    Bad randomBytes() throws IOException {
        byte[] b = new byte[5000];
        new Random(42).nextBytes(b);
        return new Bad("random-bytes.jar", Files.write(scratch.resolve("random-bytes.jar"), b), "not a jar (zip) file");
    }

    Bad truncated() throws IOException {
        byte[] whole = Files.readAllBytes(LabFixture.pluginJar(SAMPLE));
        byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);
        return new Bad("truncated.jar", Files.write(scratch.resolve("truncated.jar"), half), "not a jar (zip) file");
    }

    Bad noManifest() throws IOException {
        Path out = scratch.resolve("no-manifest.jar");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(out))) {
            z.putNextEntry(new ZipEntry("org/example/Hello.txt"));
            z.write("hello".getBytes());
            z.closeEntry();
        }
        return new Bad("no-manifest.jar", out, "has no META-INF/MANIFEST.MF");
    }

    Bad plainJar() throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Main-Class", "org.example.Main");
        return new Bad("plain.jar", manifestOnly("plain.jar", mf), "has no Bundle-SymbolicName");
    }

    /** The sample plugin under another name, importing a package no bundle exports. */
    Bad unresolvable() throws IOException {
        Path out = rewrite(LabFixture.pluginJar(SAMPLE), "unresolvable.jar", mf -> {
            Attributes a = mf.getMainAttributes();
            a.putValue("Bundle-SymbolicName", "latentlab-it-unresolvable");
            a.putValue("Import-Package", a.getValue("Import-Package") + ",org.latentlab.nonexistent;version=\"[1.0,2)\"");
        });
        return new Bad("unresolvable.jar", out, "cannot resolve: it needs package org.latentlab.nonexistent [1.0.0,2.0.0)");
    }

    /** A bundle whose activator class does not exist: it installs and resolves, and fails to start. */
    Bad badActivator() throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "latentlab-it-bad-activator");
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Bundle-Activator", "org.latentlab.it.NoSuchActivator");
        return new Bad("bad-activator.jar", manifestOnly("bad-activator.jar", mf), "cannot start");
    }

    Path manifestOnly(String name, Manifest mf) throws IOException {
        Path out = scratch.resolve(name);
        try (OutputStream os = Files.newOutputStream(out); JarOutputStream jos = new JarOutputStream(os, mf)) {
            jos.putNextEntry(new JarEntry("readme.txt"));
            jos.write("test".getBytes());
            jos.closeEntry();
        }
        return out;
    }

    /** A copy of {@code jar} with a changed manifest, in the scratch folder. */
    Path rewrite(Path jar, String name, java.util.function.Consumer<Manifest> change) throws IOException {
        return rewrite(jar, change, scratch.resolve(name));
    }

    /** A copy of {@code jar} with a changed manifest, written to {@code out}. */
    static Path rewrite(Path jar, java.util.function.Consumer<Manifest> change, Path out) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest mf = new Manifest(in.getManifest());
            change.accept(mf);
            try (OutputStream os = Files.newOutputStream(out); JarOutputStream jos = new JarOutputStream(os, mf)) {
                for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                    jos.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(jos);
                    jos.closeEntry();
                }
            }
        }
        return out;
    }
}
