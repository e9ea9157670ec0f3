package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The installed {@code bin/latentlab} script, run as a user runs it, in its own process. */
class LauncherScriptIT {

    record Result(int code, String out, String err) {}

    static Result latentlab(Path home, String... args) throws Exception {
        Path script = Path.of(System.getProperty("latentlab.distribution"), "bin", "latentlab");
        List<String> cmd = new ArrayList<>(List.of(script.toString(), "--home", home.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> readQuietly(p.getInputStream()));
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> readQuietly(p.getErrorStream()));
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("latentlab " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), out.get(), err.get());
    }

    private static String readQuietly(java.io.InputStream in) {
        try {
            return LabFixture.read(in);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    static Path freshHome(String name) throws Exception {
        return Files.createTempDirectory(Files.createDirectories(Path.of(System.getProperty("latentlab.it.work"))), name + "-");
    }

    /**
     * A .cfg file deleted while no lab ran left its values stored in DATA/config, and every command applied them at the
     * next start (only the server removed them). Now any command removes them as the lab starts; a stored configuration
     * whose file still exists is kept. The stored files are written here as ConfigAdmin writes them, so the test does
     * not depend on when FileInstall's first scan runs.
     */
    @Test
    void anyCommandRemovesConfigurationsWhoseFileWasDeletedWhileNoLabRan() throws Exception {
        Path home = freshHome("stale-config");
        Path stored = Files.createDirectories(home.resolve("config/org/latentlab"));
        Path gone = home.resolve("etc/org.latentlab.engine.cfg"); // never written: deleted before this start
        LabFixture.writeConfig(home, "org.latentlab.backends.cfg", "unused = 1\n");
        Path kept = home.resolve("etc/org.latentlab.backends.cfg");
        Files.writeString(stored.resolve("engine.config"), stored(gone, "org.latentlab.engine", "modelBatch=\"16384\"\n"));
        Files.writeString(stored.resolve("backends.config"), stored(kept, "org.latentlab.backends", "unused=\"1\"\n"));
        Result r = latentlab(home, "services");
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(stored.resolve("engine.config")), "the stale engine values are gone");
        assertTrue(r.err().contains("latentlab: configuration org.latentlab.engine came from " + gone.toAbsolutePath()
                + ", which no longer exists; removed it"), r.err());
        assertFalse(r.err().contains("org.latentlab.backends came from"), r.err());
        assertTrue(Files.exists(stored.resolve("backends.config")), "a configuration whose file exists stays");
    }

    /** A configuration as Felix ConfigAdmin stores it, made by FileInstall from {@code file}. */
    private static String stored(Path file, String pid, String values) {
        return ":org.apache.felix.configadmin.revision:=L\"1\"\n"
                + "felix.fileinstall.filename=\"" + file.toUri() + "\"\n"
                + values
                + "service.pid=\"" + pid + "\"\n";
    }

    @Test
    void servicesListsPluginsFoundInThePluginsFolderAtStart() throws Exception {
        Path home = freshHome("script");
        Files.createDirectories(home.resolve("plugins"));
        Files.copy(LabFixture.pluginJar("latentlab-sample-path-length-metric"),
                home.resolve("plugins/latentlab-sample-path-length-metric.jar"));
        Result r = latentlab(home, "services");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("KIND"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("metric") && l.contains("path-length")), r.out());
        assertTrue(Files.isDirectory(home.resolve("config")), "data folder laid out");
        try (var s = Files.list(home.resolve("run"))) {
            assertEquals(0, s.count(), "framework storage (and its pid file) of the finished process was removed");
        }
    }

    @Test
    void helpListsBundleCommandsAndUnknownCommandsFailWithAClearMessage() throws Exception {
        Path home = freshHome("help");
        Result help = latentlab(home, "--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("services"), help.out());
        assertTrue(help.out().contains("shell"), help.out());

        Result bad = latentlab(home, "no-such-command");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("no bundle provides the command 'no-such-command'"), bad.err());

        Result badFeature = latentlab(home, "--features", "core,nope", "services");
        assertEquals(1, badFeature.code());
        assertTrue(badFeature.err().contains("unknown feature 'nope'"), badFeature.err());
    }

    /**
     * {@code latentlab shell} as a process, typed into like a terminal: every command is written only
     * after the shell has shown its prompt, and each call waits for the next prompt.
     */
    static final class Shell implements AutoCloseable {
        static final String PROMPT = "g! ";
        final Process process;
        private final StringBuffer output = new StringBuffer();
        private final Thread reader;

        Shell(Path home, String... options) throws Exception {
            Path script = Path.of(System.getProperty("latentlab.distribution"), "bin", "latentlab");
            List<String> cmd = new ArrayList<>(List.of(script.toString(), "--home", home.toString()));
            cmd.addAll(List.of(options));
            cmd.add("shell");
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            reader = new Thread(() -> {
                try (var in = new java.io.InputStreamReader(process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8)) {
                    char[] buf = new char[4096];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        output.append(buf, 0, n);
                    }
                } catch (java.io.IOException ended) {
                    // the process ended
                }
            }, "shell-output");
            reader.start();
            awaitPrompts(1);
        }

        /** Types a command once the prompt is shown, and returns what it printed (up to the next prompt). */
        String type(String command) throws Exception {
            int prompts = prompts();
            int from = output.length();
            process.getOutputStream().write((command + "\n").getBytes());
            process.getOutputStream().flush();
            awaitPrompts(prompts + 1);
            String text = output.toString();
            return text.substring(from, text.lastIndexOf(PROMPT));
        }

        /** Types {@code exit 0} and waits for the process to end; returns everything it printed. */
        String exit() throws Exception {
            process.getOutputStream().write("exit 0\n".getBytes());
            process.getOutputStream().flush();
            assertTrue(process.waitFor(90, TimeUnit.SECONDS), "shell did not exit:\n" + output);
            reader.join(5000);
            return output.toString();
        }

        private int prompts() {
            String text = output.toString();
            int n = 0;
            for (int i = text.indexOf(PROMPT); i >= 0; i = text.indexOf(PROMPT, i + PROMPT.length())) {
                n++;
            }
            return n;
        }

        private void awaitPrompts(int n) throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (prompts() < n) {
                if (!process.isAlive() || System.nanoTime() > end) {
                    throw new AssertionError("no shell prompt " + (process.isAlive() ? "after 120 s" : "(the shell ended)") + ":\n" + output);
                }
                Thread.sleep(20);
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    @Test
    void serverGogoCommandsWorkInTheShell() throws Exception {
        Path home = freshHome("gogo");
        String model = Path.of(System.getProperty("latentlab.it.models"), "memorizer").toString();
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.latentlab.server.cfg"), "modelRoots = " + model + "\n");
        try (Shell shell = new Shell(home, "--features", "core,analysis,onnx,server")) {
            assertTrue(shell.type("lab:jobs").contains("no jobs"));
            String submit = "lab:submit '{\"model\": \"" + model + "\", \"seeds\": {\"noise\": 20}, \"exporters\": [\"json\"]}'";
            String submitted = shell.type(submit);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String jobs;
            do { // poll the job list until the job has finished
                jobs = shell.type("lab:jobs");
            } while (!jobs.contains("succeeded") && !jobs.contains("failed") && System.nanoTime() < end && pause());
            String text = shell.exit();
            assertTrue(jobs.lines().anyMatch(l -> l.startsWith("job-") || l.contains("job-2")), submitted + jobs);
            assertTrue(jobs.contains("succeeded"), text);
        }
    }

    private static boolean pause() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }

    @Test
    void shellRunsGogoCommandsAgainstTheLab() throws Exception {
        try (Shell shell = new Shell(freshHome("shell"))) {
            String services = shell.type("lab:services");
            String bundles = shell.type("lb");
            shell.exit();
            assertTrue(bundles.contains("LatentLab catalog"), bundles);
            assertTrue(services.lines().anyMatch(l -> l.contains("strategy") && l.contains("picard")), services);
        }
    }
}
