package org.latentlab.doctor.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Keeps a second copy of a bundle in the plugins folder from touching the first.
 *
 * <p>FileInstall treats a new file whose bundle (symbolic name and version) is already installed as
 * that bundle: it updates the installed bundle with the new file and ties both files to it, so
 * deleting either file uninstalls the bundle while the other file is still there. FileInstall asks
 * the {@link ArtifactInstaller} services it tracks before its own bundle installer, so this installer
 * claims such files: the copy is refused (a problem with the reason) and the bundle in use is left
 * alone. When the bundle in use goes away (its file was deleted or replaced by another version) and a
 * refused copy is still there, the copy is installed from its own file and managed here until it is
 * deleted: updated when it changes, uninstalled when it goes.
 */
final class DuplicateGuard implements ArtifactInstaller {

    /** A file claimed here: either refused as a copy of {@code inUse}, or installed here as bundle {@code bundleId}. */
    record Claim(String inUse, long bundleId) {
        boolean refused() {
            return inUse != null;
        }
    }

    private final BundleContext context;
    private final Path dir;
    private final int startLevel;
    private final PluginJars jars;
    private final FailureLog failures;
    private final Runnable changed;
    private final Map<Path, Claim> claims = new HashMap<>(); // guarded by this

    DuplicateGuard(BundleContext context, Path dir, int startLevel, PluginJars jars, FailureLog failures, Runnable changed) {
        this.context = context;
        this.dir = dir;
        this.startLevel = startLevel;
        this.jars = jars;
        this.failures = failures;
        this.changed = changed;
    }

    @Override
    public boolean canHandle(File artifact) {
        Path p = artifact.toPath();
        if (!dir.equals(p.getParent())) {
            return false;
        }
        synchronized (this) {
            return claims.containsKey(p) || inUseInstead(p) != null;
        }
    }

    @Override
    public void install(File artifact) {
        decide(artifact.toPath());
    }

    @Override
    public void update(File artifact) {
        decide(artifact.toPath());
    }

    @Override
    public void uninstall(File artifact) {
        Claim c;
        synchronized (this) {
            c = claims.remove(artifact.toPath());
        }
        if (c != null && !c.refused()) {
            uninstallBundle(c.bundleId());
        }
        changed.run();
    }

    /** Why the lab does not use this file, when it is a refused copy: the file (or bundle) in use instead. */
    synchronized String refusedFor(Path file) {
        Claim c = claims.get(file);
        return c != null && c.refused() ? c.inUse() : null;
    }

    /** After bundles changed: installs refused copies whose original has gone, starts what failed to start earlier. */
    void reconsider() {
        List<Path> refused = new ArrayList<>();
        List<Long> installed = new ArrayList<>();
        synchronized (this) {
            claims.forEach((p, c) -> {
                if (c.refused()) {
                    refused.add(p);
                } else {
                    installed.add(c.bundleId());
                }
            });
        }
        for (Path p : refused) {
            boolean free;
            synchronized (this) {
                free = claims.containsKey(p) && inUseInstead(p) == null;
            }
            if (free) {
                decide(p);
            }
        }
        for (long id : installed) { // FileInstall retries starts only for its own bundles
            Bundle b = context.getBundle(id);
            if (b != null && (b.getState() == Bundle.INSTALLED || b.getState() == Bundle.RESOLVED) && !fragment(b)) {
                start(b, false);
            }
        }
    }

    private void decide(Path p) {
        synchronized (this) {
            Claim c = claims.get(p);
            String other = inUseInstead(p);
            if (other != null) {
                if (c != null && !c.refused()) { // a file installed here now holds a bundle that another file holds too
                    uninstallBundle(c.bundleId());
                }
                claims.put(p, new Claim(other, 0));
            } else if (c != null && !c.refused() && context.getBundle(c.bundleId()) != null) {
                updateBundle(p, context.getBundle(c.bundleId()));
            } else {
                Bundle b = installBundle(p);
                if (b == null) {
                    claims.remove(p);
                } else {
                    claims.put(p, new Claim(null, b.getBundleId()));
                }
            }
        }
        changed.run();
    }

    /**
     * The installed bundle (or the earlier file, while none is installed) that holds the same bundle as
     * this file, described for a user; null when this file may be used.
     */
    private String inUseInstead(Path p) {
        PluginJars.Header h = jars.inspect(p).header();
        if (h == null) {
            return null;
        }
        for (Bundle b : context.getBundles()) {
            if (b.getState() != Bundle.UNINSTALLED && h.symbolicName().equals(b.getSymbolicName())
                    && h.version().equals(b.getVersion()) && !p.equals(fileOf(b))) {
                Path f = fileOf(b);
                return f != null && dir.equals(f.getParent()) ? f.getFileName().toString()
                        : "the lab's own bundle " + (f == null ? b.getLocation() : f.getFileName());
            }
        }
        // None installed yet: FileInstall installs new files in name order, so the first file of a bundle wins.
        try (Stream<Path> s = Files.list(dir)) {
            for (Path q : s.filter(q -> !q.equals(p) && q.getFileName().toString().compareTo(p.getFileName().toString()) < 0)
                    .sorted().toList()) {
                if (Files.isRegularFile(q) && !claims.containsKey(q) && h.equals(jars.inspect(q).header())) {
                    return q.getFileName().toString();
                }
            }
        } catch (IOException e) {
            // the folder cannot be listed: no earlier file
        }
        return null;
    }

    private Bundle installBundle(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            Bundle b = context.installBundle(p.toFile().toURI().toString(), in);
            b.adapt(BundleStartLevel.class).setStartLevel(startLevel);
            if (!fragment(b)) {
                start(b, true);
            }
            return b;
        } catch (IOException | BundleException | RuntimeException e) {
            failures.record(p.getFileName().toString(), FailureLog.Kind.INSTALL, Problems.oneLine(e));
            return null;
        }
    }

    private void updateBundle(Path p, Bundle b) {
        try (InputStream in = Files.newInputStream(p)) {
            b.update(in);
            context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(b));
        } catch (IOException | BundleException | RuntimeException e) {
            failures.record(p.getFileName().toString(), FailureLog.Kind.UPDATE, Problems.oneLine(e));
        }
    }

    private void uninstallBundle(long id) {
        Bundle b = context.getBundle(id);
        if (b == null) {
            return;
        }
        try {
            b.uninstall();
            context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(b));
        } catch (BundleException | RuntimeException e) {
            // already gone
        }
    }

    private void start(Bundle b, boolean report) {
        try {
            b.start();
        } catch (BundleException | RuntimeException e) {
            Path f = fileOf(b);
            if (report && f != null) { // the plugin monitor explains unresolved bundles itself
                failures.record(f.getFileName().toString(), FailureLog.Kind.START, Problems.oneLine(e));
            }
        }
    }

    private static boolean fragment(Bundle b) {
        return b.getHeaders().get(org.osgi.framework.Constants.FRAGMENT_HOST) != null;
    }

    /** The file a bundle was installed from, or null when its location is not a file. */
    static Path fileOf(Bundle b) {
        String loc = b.getLocation();
        if (loc == null || !loc.startsWith("file:")) {
            return null;
        }
        try {
            return Path.of(java.net.URI.create(loc)).normalize();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
