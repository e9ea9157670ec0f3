package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void serverGogoCommandsWorkInTheShell() throws Exception {
        Path home = freshHome("gogo");
        Path script = Path.of(System.getProperty("latentlab.distribution"), "bin", "latentlab");
        Process p = new ProcessBuilder(script.toString(), "--home", home.toString(), "--features", "core,analysis,onnx,server",
                "shell").redirectErrorStream(true).start();
        StringBuffer buf = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
                for (String line; (line = r.readLine()) != null; ) {
                    buf.append(line).append('\n');
                }
            } catch (java.io.IOException ignored) {
                // ended
            }
        });
        reader.start();
        String model = Path.of(System.getProperty("latentlab.it.models"), "memorizer").toString();
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.latentlab.server.cfg"), "modelRoots = " + model + "\n");
        String submit = "lab:submit '{\"model\": \"" + model + "\", \"seeds\": {\"noise\": 20}, \"exporters\": [\"json\"]}'";
        p.getOutputStream().write(("lab:jobs\n" + submit + "\n").getBytes());
        p.getOutputStream().flush();
        long end = System.nanoTime() + 60_000_000_000L;
        do { // until the job has finished, then list again
            Thread.sleep(500);
            p.getOutputStream().write("lab:jobs\n".getBytes());
            p.getOutputStream().flush();
        } while (!buf.toString().contains("succeeded") && System.nanoTime() < end);
        p.getOutputStream().write("exit 0\n".getBytes());
        p.getOutputStream().flush();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "shell did not exit");
        reader.join(5000);
        String text = buf.toString();
        assertTrue(text.contains("no jobs"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("job-") || l.contains("job-2")), text);
        assertTrue(text.contains("succeeded"), text);
    }

    @Test
    void shellRunsGogoCommandsAgainstTheLab() throws Exception {
        Path home = freshHome("shell");
        Path script = Path.of(System.getProperty("latentlab.distribution"), "bin", "latentlab");
        Process p = new ProcessBuilder(script.toString(), "--home", home.toString(), "shell").redirectErrorStream(true).start();
        var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> readQuietly(p.getInputStream()));
        p.getOutputStream().write("lab:services\nlb\nexit 0\n".getBytes());
        p.getOutputStream().flush();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "shell did not exit");
        String text = out.get();
        assertTrue(text.contains("LatentLab catalog"), text);
        assertTrue(text.lines().anyMatch(l -> l.contains("strategy") && l.contains("picard")), text);
    }
}
