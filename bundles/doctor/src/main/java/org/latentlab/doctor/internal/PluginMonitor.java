package org.latentlab.doctor.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.latentlab.launcher.spi.PluginFile;
import org.latentlab.launcher.spi.PluginFile.State;
import org.latentlab.launcher.spi.PluginStatus;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Watches the plugins folder beside FileInstall and tells, for every file, whether the lab uses it,
 * is still installing it, or cannot use it and why: not a jar, no manifest, not a bundle, a second
 * copy of a bundle already in use (see {@link DuplicateGuard}), an install failure, requirements no
 * bundle provides, or a start failure. A file is judged only once its size and modification time
 * have stayed the same for one scan, as FileInstall does, so a copy in progress is not called
 * truncated. Each new problem is logged once, one line, on standard error.
 *
 * <p>Starts before FileInstall (start level 2 against 3), so the duplicate guard is in place before
 * the first scan of the folder.
 */
@Component(service = PluginStatus.class, immediate = true)
public class PluginMonitor implements PluginStatus {

    /** Files FileInstall never treats as bundles. */
    private static final List<String> IGNORED = List.of(".txt", ".xml", ".properties", ".cfg", ".config");

    private record Stamp(long size, long modified) {}

    /** A file as last scanned: its stamp, since when it has had that stamp, the verdict, and the problem logged for that stamp. */
    private record Seen(Stamp stamp, long stampSince, PluginFile file, String logged) {}

    private BundleContext context;
    private Path dir;
    private PluginJars jars;
    private FailureLog failures;
    private DuplicateGuard guard;
    private ServiceRegistration<ArtifactInstaller> guardRegistration;
    private Logger fileInstallLog; // strong reference: java.util.logging forgets the handlers of collected loggers
    private ScheduledExecutorService scanner;
    private long pollMillis;
    private final AtomicBoolean scanPending = new AtomicBoolean();
    private final AtomicBoolean reconsiderPending = new AtomicBoolean();
    private final BundleListener bundleListener = this::bundleChanged;
    private final Map<String, Seen> seen = new HashMap<>(); // scanner thread only
    private volatile List<PluginFile> snapshot = List.of();
    private volatile boolean active;

    @Activate
    void activate(BundleContext context) throws IOException {
        this.context = context;
        String home = context.getProperty("latentlab.home");
        String plugins = context.getProperty("latentlab.plugins");
        Path folder = plugins != null ? Path.of(plugins) : Path.of(home == null ? "." : home, "plugins");
        Files.createDirectories(folder);
        dir = folder.toRealPath(); // FileInstall works with the canonical folder
        pollMillis = Math.max(50, longProperty("felix.fileinstall.poll", 1000));
        int startLevel = (int) longProperty("felix.fileinstall.start.level", 5);

        scanner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "latentlab-plugin-monitor");
            t.setDaemon(true);
            return t;
        });
        jars = new PluginJars();
        failures = new FailureLog(dir, this::requestScan);
        guard = new DuplicateGuard(context, dir, startLevel, jars, failures, this::requestScan);
        fileInstallLog = Logger.getLogger(FailureLog.FILEINSTALL_LOGGER);
        fileInstallLog.addHandler(failures);
        context.addFrameworkListener(failures);
        context.addBundleListener(bundleListener);
        guardRegistration = context.registerService(ArtifactInstaller.class, guard, null);
        active = true;
        scanner.scheduleWithFixedDelay(this::scanQuietly, 0, pollMillis, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        active = false;
        scanner.shutdownNow();
        try {
            guardRegistration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework is stopping
        }
        context.removeBundleListener(bundleListener);
        context.removeFrameworkListener(failures);
        fileInstallLog.removeHandler(failures);
    }

    @Override
    public List<PluginFile> files() {
        return snapshot;
    }

    private void bundleChanged(BundleEvent e) {
        if (e.getType() == BundleEvent.UNINSTALLED || e.getType() == BundleEvent.UPDATED
                || e.getType() == BundleEvent.RESOLVED || e.getType() == BundleEvent.STARTED) {
            requestScan(true);
        } else {
            requestScan();
        }
    }

    private void requestScan() {
        requestScan(false);
    }

    /** Asks for a scan soon (after bundle events, new failures); requests made meanwhile are merged. */
    private void requestScan(boolean reconsider) {
        if (reconsider) {
            reconsiderPending.set(true);
        }
        if (!scanPending.compareAndSet(false, true)) {
            return;
        }
        try {
            scanner.execute(() -> {
                scanPending.set(false);
                if (reconsiderPending.getAndSet(false)) {
                    try {
                        guard.reconsider();
                    } catch (RuntimeException e) {
                        System.err.println("latentlab: installing a plugin that was a second copy failed: " + Problems.oneLine(e));
                    }
                }
                scanQuietly();
            });
        } catch (RejectedExecutionException stopped) {
            // deactivated
        }
    }

    private void scanQuietly() {
        try {
            scan();
        } catch (RuntimeException e) { // never let the scanner thread die
            if (active) { // else the framework is stopping under a last scan
                System.err.println("latentlab: checking the plugins folder failed: " + Problems.oneLine(e));
            }
        }
    }

    /** Judges every file in the folder; files that changed since the last scan wait one more. */
    void scan() {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(PluginMonitor::candidate).sorted().toList();
        } catch (IOException e) {
            files = List.of();
        }
        Map<String, Seen> now = new HashMap<>();
        List<PluginFile> out = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            Stamp stamp;
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                stamp = new Stamp(a.size(), a.lastModifiedTime().toMillis());
            } catch (IOException gone) {
                continue;
            }
            Seen before = seen.get(name);
            boolean sameStamp = before != null && before.stamp().equals(stamp);
            long stampSince = sameStamp ? before.stampSince() : System.nanoTime();
            boolean settled = System.nanoTime() - stampSince >= TimeUnit.MILLISECONDS.toNanos(pollMillis);
            PluginFile judged = settled ? judge(f, stamp) : new PluginFile(name, State.WAITING, null, null, Instant.now());
            if (judged == null) { // its bundle is starting or stopping right now: the last verdict holds
                judged = sameStamp ? before.file() : new PluginFile(name, State.WAITING, null, null, Instant.now());
            }
            if (before != null && before.file().state() == judged.state() && Objects.equals(before.file().reason(), judged.reason())
                    && Objects.equals(before.file().bundle(), judged.bundle())) {
                judged = before.file(); // keep 'since'
            }
            String logged = sameStamp ? before.logged() : null;
            if (judged.state() == State.PROBLEM && !judged.reason().equals(logged)) { // once per content and reason
                System.err.println("latentlab: plugin " + name + " is not used: " + judged.reason());
                logged = judged.reason();
            }
            now.put(name, new Seen(stamp, stampSince, judged, logged));
            out.add(judged);
        }
        seen.keySet().stream().filter(n -> !now.containsKey(n)).forEach(n -> {
            failures.forget(n);
            jars.forget(dir.resolve(n));
        });
        seen.clear();
        seen.putAll(now);
        snapshot = List.copyOf(out);
    }

    /** The verdict on a stable file, or null while its bundle is starting or stopping. */
    private PluginFile judge(Path f, Stamp stamp) {
        String name = f.getFileName().toString();
        PluginJars.Inspection ins = jars.inspect(f);
        if (ins.header() == null) {
            return problem(name, null, ins.problem() + "; replace it with a complete bundle jar or remove it");
        }
        String bundle = ins.header().toString();
        String inUse = guard.refusedFor(f);
        if (inUse != null) {
            return problem(name, bundle, "a second copy of " + bundle + ", which the lab uses from " + inUse
                    + "; remove one of the two files");
        }
        Optional<FailureLog.Failure> failure = failures.current(name, stamp.size(), stamp.modified());
        Bundle b = bundleAt(f);
        if (b == null) {
            return failure.map(x -> problem(name, bundle, "cannot be installed: " + x.reason() + "; fix the plugin or remove the file"))
                    .orElse(waiting(name, bundle));
        }
        boolean fragment = ins.header().fragment();
        if (failure.isPresent() && failure.get().kind() == FailureLog.Kind.UPDATE) {
            return problem(name, bundle, "cannot be updated (" + failure.get().reason() + "); the lab still uses "
                    + b.getSymbolicName() + " " + b.getVersion());
        }
        switch (b.getState()) {
            case Bundle.ACTIVE -> {
                return new PluginFile(name, State.ACTIVE, bundle, null, Instant.now());
            }
            case Bundle.INSTALLED -> {
                List<String> missing = Requirements.missing(context, b);
                if (!missing.isEmpty()) {
                    return problem(name, bundle, "cannot resolve: it needs " + String.join("; and ", missing)
                            + "; add what it needs to the plugins folder or remove the file");
                }
                return failure.map(x -> problem(name, bundle, "cannot resolve: " + x.reason() + "; fix the plugin or remove the file"))
                        .orElse(waiting(name, bundle));
            }
            case Bundle.RESOLVED -> {
                if (fragment) {
                    return new PluginFile(name, State.ACTIVE, bundle, null, Instant.now());
                }
                return failure.map(x -> problem(name, bundle, "cannot start: " + x.reason() + "; fix the plugin or remove the file"))
                        .orElse(waiting(name, bundle));
            }
            default -> { // STARTING (for good, when it activates lazily, on first use), STOPPING
                String policy = b.getHeaders().get(org.osgi.framework.Constants.BUNDLE_ACTIVATIONPOLICY);
                boolean lazy = b.getState() == Bundle.STARTING && policy != null && policy.startsWith("lazy");
                return lazy ? new PluginFile(name, State.ACTIVE, bundle, null, Instant.now()) : null;
            }
        }
    }

    private Bundle bundleAt(Path f) {
        for (Bundle b : context.getBundles()) {
            if (f.equals(DuplicateGuard.fileOf(b)) && b.getState() != Bundle.UNINSTALLED) {
                return b;
            }
        }
        return null;
    }

    private static PluginFile problem(String name, String bundle, String reason) {
        return new PluginFile(name, State.PROBLEM, bundle, reason, Instant.now());
    }

    private static PluginFile waiting(String name, String bundle) {
        return new PluginFile(name, State.WAITING, bundle, null, Instant.now());
    }

    private static boolean candidate(Path p) {
        String n = p.getFileName().toString();
        return !n.startsWith(".") && IGNORED.stream().noneMatch(n::endsWith) && Files.isRegularFile(p);
    }

    private long longProperty(String key, long fallback) {
        try {
            String v = context.getProperty(key);
            return v == null ? fallback : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
