package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.latentlab.launcher.Lab;
import org.latentlab.launcher.LabConfig;
import org.osgi.framework.Bundle;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * A real lab for a test: the assembled distribution started in this JVM with its own data folder,
 * plus helpers that act on the watched plugins folder exactly as a researcher would (copy, replace,
 * delete jar files).
 */
final class LabFixture implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    final Lab lab;
    final Path home;

    private LabFixture(Lab lab, Path home) {
        this.lab = lab;
        this.home = home;
    }

    /** Starts a lab whose plugins folder already holds the given plugins (by artifact name). */
    static LabFixture start(String testName, String... plugins) throws Exception {
        Path home = Files.createTempDirectory(Files.createDirectories(Path.of(System.getProperty("latentlab.it.work"))),
                testName + "-");
        Files.createDirectories(home.resolve("plugins"));
        for (String p : plugins) {
            Files.copy(pluginJar(p), home.resolve("plugins").resolve(p + ".jar"));
        }
        Path dist = Path.of(System.getProperty("latentlab.distribution"));
        Lab lab = Lab.start(new LabConfig(home, dist, List.of(), "serve", 200, false, Map.of()));
        lab.awaitSettled(TIMEOUT);
        return new LabFixture(lab, home);
    }

    /** A plugin jar built by this project, e.g. {@code latentlab-it-probe}. */
    static Path pluginJar(String artifactId) {
        Path p = Path.of(System.getProperty("latentlab.it.plugins"), artifactId + ".jar");
        if (!Files.isRegularFile(p)) {
            fail("plugin jar missing: " + p);
        }
        return p;
    }

    Path plugins() {
        return home.resolve("plugins");
    }

    /** Puts a jar into the plugins folder atomically, as a finished copy would appear. */
    void deploy(Path jar, String fileName) throws IOException {
        Path tmp = Files.createTempFile(home, "deploy-", ".part");
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, plugins().resolve(fileName), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Runs {@code serve --port 0} in this lab on a background thread, with model roots set in
     * DATA/etc, and returns a client once the server answers with those roots.
     */
    ServerClient serve(Path modelRoots) throws Exception {
        writeConfig(home, "org.latentlab.server.cfg", "modelRoots = " + modelRoots + "," + home + "\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        Thread serve = new Thread(() -> {
            try {
                lab.run("serve", List.of("--port", "0"), ps, ps);
            } catch (Exception e) {
                e.printStackTrace(ps);
            }
        }, "serve");
        serve.setDaemon(true);
        serve.start();
        await("server address", () -> out.toString(StandardCharsets.UTF_8).contains("token:"));
        ServerClient api = ServerClient.fromServeOutput(out.toString(StandardCharsets.UTF_8), null);
        await("model roots from etc/", () -> {
            try {
                return api.get("api/status").body().contains(modelRoots.toString());
            } catch (Exception e) {
                return false;
            }
        });
        return api;
    }

    /** Writes DATA/etc/NAME atomically (FileInstall must never see half a file). */
    static void writeConfig(Path home, String name, String content) throws IOException {
        Path etc = Files.createDirectories(home.resolve("etc"));
        Path tmp = Files.createTempFile(home, "cfg-", ".part");
        Files.writeString(tmp, content);
        Files.move(tmp, etc.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A copy of {@code jar} whose manifest says {@code Bundle-Version: version}: a new build of the plugin. */
    Path withVersion(Path jar, String version) throws IOException {
        return PluginTestJars.rewrite(jar, mf -> mf.getMainAttributes().putValue("Bundle-Version", version),
                Files.createTempFile(home, "variant-", ".jar"));
    }

    /** Exit code and both outputs of a subcommand. */
    record Result(int code, String out, String err) {}

    /** Runs a {@code latentlab} subcommand in the lab, whatever its exit code. */
    Result runAny(String command, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = lab.run(command, Arrays.asList(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs a {@code latentlab} subcommand in the lab and returns its standard output. */
    String run(String command, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = lab.run(command, Arrays.asList(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, () -> command + " failed: " + err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The registered service of the given interface name and latentlab.id, if any. */
    Optional<ServiceReference<?>> service(String objectClass, String id) {
        try {
            // getAll: this test JVM's class path also holds the api jar, which would fail the class-space check
            ServiceReference<?>[] refs = lab.context().getAllServiceReferences(objectClass, "(latentlab.id=" + id + ")");
            return refs == null || refs.length == 0 ? Optional.empty() : Optional.of(refs[0]);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    List<Bundle> bundles(String symbolicName) {
        return Arrays.stream(lab.context().getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).toList();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out after " + TIMEOUT.toSeconds() + " s waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        lab.close();
    }
}
