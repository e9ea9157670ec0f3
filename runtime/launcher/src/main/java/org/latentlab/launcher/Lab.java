package org.latentlab.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.latentlab.launcher.spi.PluginFile;
import org.latentlab.launcher.spi.PluginStatus;
import org.latentlab.launcher.spi.Subcommand;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * A running LatentLab: an Apache Felix framework whose system bundle exports the native engine
 * tier, with the bundles of the chosen features installed and started, and FileInstall watching the
 * plugins folder. Used by the command line and, unchanged, by the integration tests.
 */
public final class Lab implements AutoCloseable {

    private final LabConfig config;
    private final Framework framework;
    private final Path storage;
    /** Woken by every bundle and service event and FileInstall log record: what the waits below watch. */
    private final Object changes = new Object();
    private long lastServiceEvent = System.nanoTime(); // guarded by changes
    private long changeCount; // guarded by changes
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final Thread shutdownHook = new Thread(this::close, "latentlab-shutdown");
    private FileInstallLog fileInstallLog;

    /** Start level of the lab's services; front ends that read the terminal (Gogo shell) sit above it. */
    static final int SERVICES_LEVEL = 8;
    static final int FRONT_END_LEVEL = 10;

    private Lab(LabConfig config, Framework framework, Path storage) {
        this.config = config;
        this.framework = framework;
        this.storage = storage;
    }

    /** Starts the framework and the features' bundles; returns once all are started. */
    public static Lab start(LabConfig config) throws IOException, BundleException {
        Path home = config.home();
        Path plugins;
        try {
            for (String dir : List.of("plugins", "etc", "config", "cache", "run")) {
                Files.createDirectories(home.resolve(dir));
            }
            plugins = config.plugins().toRealPath(); // FileInstall names plugin files by their canonical path
        } catch (IOException e) {
            throw new IOException("cannot use the data folder " + home + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); make it a writable folder or choose another with --home DIR", e);
        }
        List<Feature> features = resolveFeatures(config);
        configureNativeEngines(home);

        // One framework storage per process: several commands may share a home (a running server and a CLI call).
        removeStaleStorage(home.resolve("run"));
        Path storage = Files.createTempDirectory(home.resolve("run"), "framework-");
        // beside the storage, not in it: Felix cleans the storage folder on first init
        Files.writeString(pidFile(storage), Long.toString(ProcessHandle.current().pid()));
        Map<String, String> props = new HashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SystemPackages.exportsOf(SystemPackages.jarsIn(config.lib())));
        props.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, "1");
        props.put("felix.log.level", "1");
        @SuppressWarnings({"rawtypes", "unchecked"})
        Map<String, Object> objects = (Map) props; // Felix takes its logger as an object in the same map
        objects.put("felix.log.logger", new FrameworkLog(System.err)); // one line, never a stack trace
        props.put("latentlab.home", home.toString());
        props.put("latentlab.distribution", config.distribution().toString());
        props.put("felix.cm.dir", home.resolve("config").toString());
        // plugins/: bundles; etc/: ConfigAdmin files (PID.cfg, factoryPID-name.cfg), applied and updated live
        props.put("felix.fileinstall.dir", config.plugins() + "," + home.resolve("etc"));
        props.put("felix.fileinstall.enableConfigSave", "false");
        // Felix HTTP (server feature): off (negative port) until 'serve' configures address and port
        props.put("org.apache.felix.http.host", "127.0.0.1");
        props.put("org.osgi.service.http.port", "-1");
        props.put("felix.fileinstall.poll", Long.toString(config.pollMillis()));
        props.put("felix.fileinstall.noInitialDelay", "true");
        props.put("felix.fileinstall.bundles.new.start", "true");
        props.put("felix.fileinstall.start.level", "5");
        props.put("felix.fileinstall.log.level", "2");
        // to java.util.logging, where FileInstallLog prints one line each and the plugin monitor reads the reasons
        props.put("felix.fileinstall.log.default", "jul");
        props.put("latentlab.plugins", plugins.toString());
        // By default FileInstall refreshes every bundle with an unresolved optional import whenever a plugin
        // arrives, which restarts SCR, ConfigAdmin and Gogo under running jobs. Only refresh plugins.
        props.put("felix.fileinstall.optionalImportRefreshScope", "managed");
        props.put("felix.fileinstall.fragmentScope", "managed");
        props.put("felix.fileinstall.tmpdir", home.resolve("cache/fileinstall").toString());
        props.put("ds.loglevel", "warn");
        props.put("gosh.args", config.interactive() ? "" : "--nointeractive");
        props.putAll(config.properties());

        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, Lab.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        Framework fw = factory.newFramework(props);
        fw.init();
        Lab lab = new Lab(config, fw, storage);
        lab.fileInstallLog = new FileInstallLog(plugins.toString(), () -> lab.pluginStatusRef() != null, System.err,
                lab::changed).attach();
        Runtime.getRuntime().addShutdownHook(lab.shutdownHook); // 'exit' in Gogo calls System.exit
        BundleContext ctx = fw.getBundleContext();
        ctx.addServiceListener(e -> lab.serviceChanged());
        ctx.addBundleListener(e -> lab.changed());
        if (System.getenv("LATENTLAB_DEBUG") != null) {
            ctx.addBundleListener(e -> System.err.println("[bundle] " + e.getBundle().getSymbolicName() + " "
                    + switch (e.getType()) {
                        case org.osgi.framework.BundleEvent.INSTALLED -> "installed";
                        case org.osgi.framework.BundleEvent.STARTED -> "started";
                        case org.osgi.framework.BundleEvent.STOPPED -> "stopped";
                        case org.osgi.framework.BundleEvent.UPDATED -> "updated";
                        case org.osgi.framework.BundleEvent.UNINSTALLED -> "uninstalled";
                        case org.osgi.framework.BundleEvent.RESOLVED -> "resolved";
                        case org.osgi.framework.BundleEvent.UNRESOLVED -> "unresolved";
                        default -> "event " + e.getType();
                    }));
        }

        // Install every bundle first, then start: start order follows the features' start-order.
        List<Bundle> installed = new ArrayList<>();
        java.util.Set<String> locations = new java.util.HashSet<>(); // features may share bundles
        for (Feature f : features) {
            for (Feature.Artifact a : f.bundles()) {
                Path jar = a.in(config.bundleRepository());
                if (!Files.isRegularFile(jar)) {
                    throw new IOException("feature " + f.id() + " names bundle " + a + " but " + jar + " does not exist");
                }
                if (!locations.add(jar.toUri().toString())) {
                    continue;
                }
                Bundle b = ctx.installBundle(jar.toUri().toString());
                if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    b.adapt(BundleStartLevel.class).setStartLevel(Math.max(1, Math.min(FRONT_END_LEVEL, a.startOrder())));
                    installed.add(b);
                }
            }
        }
        for (Bundle b : installed) {
            b.start(); // framework not started yet: this only marks the bundle, its start level decides when
        }
        fw.start();
        lab.raiseStartLevel(SERVICES_LEVEL, Duration.ofSeconds(60));
        for (Bundle b : installed) {
            int level = b.adapt(BundleStartLevel.class).getStartLevel();
            if (level <= SERVICES_LEVEL && b.getState() != Bundle.ACTIVE) {
                throw new BundleException("bundle " + b.getSymbolicName() + " did not start (state " + b.getState() + ")");
            }
        }
        return lab;
    }

    /**
     * Settings the native engines read once per process: DJL must never try the network, and the
     * unpacked native libraries (about 830 MB) go to the data folder's cache, or to the folder
     * {@value #NATIVE_CACHE_ENV} names so that several data folders (test labs, one per user on a
     * shared machine) unpack them once. DJL and JavaCPP both unpack into a temporary name and move
     * it into place, so processes sharing the folder do not see each other's half-written files.
     */
    static void configureNativeEngines(Path home) {
        String shared = System.getenv(NATIVE_CACHE_ENV);
        Path cache = shared == null || shared.isBlank() ? home.resolve("cache") : Path.of(shared);
        setDefault("ai.djl.offline", "true");
        setDefault("DJL_CACHE_DIR", cache.resolve("djl").toString());
        setDefault("ENGINE_CACHE_DIR", cache.resolve("djl").toString());
        setDefault("org.bytedeco.javacpp.cachedir", cache.resolve("javacpp").toString());
        if (System.getProperty(OnnxRuntimeNatives.PROPERTY) == null) {
            OnnxRuntimeNatives.platform().ifPresent(platform -> {
                try {
                    OnnxRuntimeNatives.unpack(cache, Lab.class.getClassLoader(), platform)
                            .ifPresent(dir -> System.setProperty(OnnxRuntimeNatives.PROPERTY, dir.toString()));
                } catch (IOException | RuntimeException e) { // ONNX Runtime then unpacks into /tmp itself, as it always did
                    System.err.println("latentlab: ONNX Runtime's native libraries not unpacked into " + cache + ": " + e);
                }
            });
        }
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setDefault("java.awt.headless", "true"); // the report draws PNGs; no display needed
        // ONNX Runtime warns on every engine start that this CPU-only machine has no CUDA.
        setDefault("org.slf4j.simpleLogger.log.ai.djl.onnxruntime.engine.OrtEngine", "error");
        setDefault("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        setDefault("org.slf4j.simpleLogger.log.org.apache.felix.http", "error"); // "Jetty not started" until serve
    }

    /** Environment variable naming a native-library cache shared by several data folders. */
    static final String NATIVE_CACHE_ENV = "LATENTLAB_NATIVE_CACHE";

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Every feature of the distribution. */
    static List<Feature> features(LabConfig config) throws IOException {
        List<Feature> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(config.featuresDir())) {
            for (Path p : s.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                out.add(Feature.read(p));
            }
        }
        return out;
    }

    private static List<Feature> resolveFeatures(LabConfig config) throws IOException {
        Path dir = config.featuresDir();
        if (!Files.isDirectory(dir)) {
            throw new IOException("no features folder at " + dir + " (is the distribution complete?)");
        }
        Map<String, Path> available = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.toString().endsWith(".json")).sorted()
                    .forEach(p -> available.put(p.getFileName().toString().replaceFirst("\\.json$", ""), p));
        }
        List<Feature> out = new ArrayList<>();
        if (config.features().isEmpty()) {
            for (Path p : available.values()) {
                Feature f = Feature.read(p);
                if (f.byDefault() || (config.command() != null && f.commands().contains(config.command()))) {
                    out.add(f);
                }
            }
            return out;
        }
        for (String name : config.features()) {
            Path p = available.get(name);
            if (p == null) {
                throw new IOException("unknown feature '" + name + "'; available: " + available.keySet());
            }
            out.add(Feature.read(p));
        }
        return out;
    }

    /**
     * Sets the framework's start level and waits up to {@code timeout} for the framework to report
     * that it reached it (a STARTLEVEL_CHANGED framework event).
     */
    private void raiseStartLevel(int level, Duration timeout) {
        FrameworkStartLevel fsl = framework.adapt(FrameworkStartLevel.class);
        CountDownLatch reached = new CountDownLatch(1);
        fsl.setStartLevel(level, e -> {
            if (e.getType() == FrameworkEvent.STARTLEVEL_CHANGED) {
                reached.countDown();
            }
        });
        try {
            reached.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void changed() {
        synchronized (changes) {
            changeCount++;
            changes.notifyAll();
        }
    }

    private void serviceChanged() {
        synchronized (changes) {
            lastServiceEvent = System.nanoTime();
            changeCount++;
            changes.notifyAll();
        }
    }

    /**
     * Waits until FileInstall has installed and started every jar now in the plugins folder and the
     * service registry has been quiet for a moment, so a command sees the plugins that were there
     * when it started. Woken by bundle and service events and FileInstall's log records; the plugin
     * monitor's verdicts (a jar it cannot use) come with no event, so they are also looked at every
     * {@link #VERDICT_RECHECK_MILLIS} ms while a jar is pending.
     */
    public void awaitSettled(Duration timeout) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        List<String> jars = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(config.plugins(), "*.jar")) {
            ds.forEach(p -> jars.add(p.getFileName().toString()));
        }
        long quiet = Duration.ofMillis(300).toNanos();
        try {
            while (true) { // the check asks the plugin monitor (a service call): not while holding the lock
                long seen;
                synchronized (changes) {
                    seen = changeCount;
                }
                long left = end - System.nanoTime();
                if (left <= 0 || jars.stream().allMatch(this::pluginSettled)) {
                    break;
                }
                synchronized (changes) {
                    if (changeCount == seen) {
                        changes.wait(Math.max(1, Math.min(VERDICT_RECHECK_MILLIS, TimeUnit.NANOSECONDS.toMillis(left))));
                    }
                }
            }
            synchronized (changes) {
                while (true) { // sleep until the quiet period would end; each service event starts it again
                    long now = System.nanoTime();
                    long wait = Math.min(end, lastServiceEvent + quiet) - now;
                    if (wait <= 0) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(changes, wait);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Now start the front ends (the Gogo console), so the first command typed already sees the plugins. Only
        // for the shell: for any other command the console is not needed, and its launch thread would race with a
        // command that ends at once (a stack trace "Command not found: gosh" while the framework stops).
        if (config.interactive()) {
            raiseStartLevel(FRONT_END_LEVEL, Duration.ofSeconds(30));
        }
    }

    /** How often a pending plugin jar is looked at again without an event (the plugin monitor sends none). */
    static final long VERDICT_RECHECK_MILLIS = 250;

    /** Active, or known to be unusable: then the plugin monitor has logged why, and waiting longer would not help. */
    private boolean pluginSettled(String fileName) {
        if (pluginProblems().stream().anyMatch(f -> f.name().equals(fileName))) {
            return true;
        }
        for (Bundle b : context().getBundles()) {
            if (b.getLocation().endsWith("/" + fileName)) {
                boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
                return b.getState() == Bundle.ACTIVE || (fragment && b.getState() == Bundle.RESOLVED);
            }
        }
        return false;
    }

    /**
     * The files in the plugins folder the lab cannot use now, with the reasons, from the plugin monitor
     * (the {@link PluginStatus} service of the core feature); empty when none runs.
     */
    public List<PluginFile> pluginProblems() {
        ServiceReference<?> ref = pluginStatusRef();
        if (ref == null) {
            return List.of();
        }
        BundleContext ctx = context();
        try {
            return ctx.getService(ref) instanceof PluginStatus status ? status.problems() : List.of();
        } catch (IllegalStateException stopping) {
            return List.of();
        } finally {
            try {
                ctx.ungetService(ref);
            } catch (IllegalStateException stopping) {
                // the framework is stopping
            }
        }
    }

    private ServiceReference<?> pluginStatusRef() {
        BundleContext ctx = context();
        if (ctx == null) {
            return null;
        }
        try {
            // getAll, as for subcommands: the SPI class always comes from the system bundle
            ServiceReference<?>[] refs = ctx.getAllServiceReferences(PluginStatus.class.getName(), null);
            return refs == null || refs.length == 0 ? null : refs[0];
        } catch (InvalidSyntaxException | IllegalStateException e) {
            return null;
        }
    }

    /** The system bundle's context. */
    public BundleContext context() {
        return framework.getBundleContext();
    }

    public LabConfig config() {
        return config;
    }

    /** The subcommands registered now, by name, with their summaries; hidden ones ({@link Subcommand#HIDDEN}) left out. */
    public Map<String, String> subcommands() {
        Map<String, String> out = new java.util.TreeMap<>();
        for (ServiceReference<Subcommand> ref : subcommandRefs(null)) {
            if (Boolean.parseBoolean(String.valueOf(ref.getProperty(Subcommand.HIDDEN)))) {
                continue;
            }
            out.putIfAbsent(String.valueOf(ref.getProperty(Subcommand.NAME)),
                    String.valueOf(ref.getProperty(Subcommand.SUMMARY)));
        }
        return out;
    }

    /** Waits up to {@code timeout} for a bundle to register the named subcommand. */
    public Optional<ServiceReference<Subcommand>> awaitSubcommand(String name, Duration timeout) {
        List<ServiceReference<Subcommand>> now = subcommandRefs(name);
        if (!now.isEmpty()) {
            return Optional.of(now.get(0));
        }
        Filter filter;
        try {
            filter = context().createFilter("(&(" + Constants.OBJECTCLASS + "=" + Subcommand.class.getName() + ")("
                    + Subcommand.NAME + "=" + name + "))");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("bad command name '" + name + "'");
        }
        // tracks references only: the service object is got when the command runs
        ServiceTracker<Object, ServiceReference<?>> tracker = new ServiceTracker<>(context(), filter,
                new ServiceTrackerCustomizer<Object, ServiceReference<?>>() {
                    @Override
                    public ServiceReference<?> addingService(ServiceReference<Object> ref) {
                        return ref;
                    }

                    @Override
                    public void modifiedService(ServiceReference<Object> ref, ServiceReference<?> same) {}

                    @Override
                    public void removedService(ServiceReference<Object> ref, ServiceReference<?> same) {}
                });
        tracker.open(true); // all services: the SPI class always comes from the system bundle
        try {
            tracker.waitForService(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            tracker.close();
        }
        List<ServiceReference<Subcommand>> refs = subcommandRefs(name);
        return refs.isEmpty() ? Optional.empty() : Optional.of(refs.get(0));
    }

    /**
     * Runs a subcommand provided by a bundle.
     *
     * @return its exit code, or 2 when no bundle provides it
     */
    public int run(String name, List<String> args, PrintStream out, PrintStream err) throws Exception {
        Optional<ServiceReference<Subcommand>> ref = awaitSubcommand(name, Duration.ofSeconds(2));
        if (ref.isEmpty()) {
            err.println("latentlab: no bundle provides the command '" + name + "'. Commands available now: "
                    + subcommands().keySet() + ". Run 'latentlab --help'.");
            return 2;
        }
        Subcommand cmd = context().getService(ref.get());
        if (cmd == null) {
            err.println("latentlab: the command '" + name + "' went away while starting");
            return 1;
        }
        try {
            return cmd.run(args, out, err);
        } finally {
            context().ungetService(ref.get());
        }
    }

    private List<ServiceReference<Subcommand>> subcommandRefs(String name) {
        try {
            String filter = name == null ? null : "(" + Subcommand.NAME + "=" + name + ")";
            // getAll: the SPI class always comes from the system bundle, so no class-space check is needed, and
            // the check would wrongly hide services when the JVM class path also holds bundle jars (tests).
            ServiceReference<?>[] all = context().getAllServiceReferences(Subcommand.class.getName(), filter);
            List<ServiceReference<Subcommand>> refs = new ArrayList<>();
            for (ServiceReference<?> r : all == null ? new ServiceReference<?>[0] : all) {
                @SuppressWarnings("unchecked")
                ServiceReference<Subcommand> typed = (ServiceReference<Subcommand>) r;
                refs.add(typed);
            }
            refs.sort(Comparator.reverseOrder()); // highest ranking first
            return refs;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("bad command name '" + name + "'");
        }
    }

    /** Blocks until the framework stops (e.g. 'exit' in the shell, or {@link #close()} from elsewhere). */
    public void awaitStop() throws InterruptedException {
        framework.waitForStop(0);
    }

    /** Stops the framework and deletes this process's framework storage. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // fine
            }
        }
        try {
            framework.stop();
            framework.waitForStop(30_000);
        } catch (BundleException | InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (fileInstallLog != null) {
                fileInstallLog.detach();
            }
            deleteTree(storage);
            try {
                Files.deleteIfExists(pidFile(storage));
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /** Framework storage left by processes that were killed (kill -9 runs no shutdown hook). */
    static void removeStaleStorage(Path run) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(run, "framework-*")) {
            for (Path dir : ds) {
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                Path pid = pidFile(dir);
                boolean alive;
                try {
                    alive = ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).map(ProcessHandle::isAlive).orElse(false);
                } catch (IOException | NumberFormatException e) {
                    // no pid file: a storage being created right now, or one from before pid files; keep young ones
                    alive = Files.getLastModifiedTime(dir).toMillis() > System.currentTimeMillis() - 24 * 3600_000L;
                }
                if (!alive) {
                    deleteTree(dir);
                    Files.deleteIfExists(pid);
                }
            }
        }
    }

    private static Path pidFile(Path storage) {
        return storage.resolveSibling(storage.getFileName() + ".pid");
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover temp folder under run/ is harmless
        }
    }
}
