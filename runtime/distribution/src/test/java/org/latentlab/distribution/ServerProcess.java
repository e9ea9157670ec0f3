package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code bin/latentlab --home HOME serve ...} as a process, its output (both streams) collected. */
final class ServerProcess implements AutoCloseable {

    final Process process;
    final StringBuffer output = new StringBuffer();

    private ServerProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.append(line).append('\n');
                }
            } catch (Exception ignored) {
                // process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code serve --port 0 ARGS} on the data folder. */
    static ServerProcess start(Path home, String... args) throws Exception {
        Path script = Path.of(System.getProperty("latentlab.distribution"), "bin", "latentlab");
        List<String> cmd = new ArrayList<>(List.of(script.toString(), "--home", home.toString(), "serve"));
        if (!List.of(args).contains("--port")) {
            cmd.addAll(List.of("--port", "0"));
        }
        cmd.addAll(List.of(args));
        return new ServerProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** Starts a server and returns once it listens, with a client using the printed (or the known) token. */
    static ServerProcess serving(Path home, String knownToken) throws Exception {
        ServerProcess s = start(home);
        LabFixture.await("server started", () -> s.output().contains("REST API:") || !s.process.isAlive());
        assertTrue(s.process.isAlive(), s.output());
        LabFixture.await("token line", () -> s.output().contains("token:"));
        s.token = knownToken;
        return s;
    }

    private String token;

    ServerClient api() {
        return ServerClient.fromServeOutput(output(), token);
    }

    String output() {
        return output.toString();
    }

    /** The exit status once the process has ended by itself. */
    int awaitExit() throws Exception {
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "still running: " + output());
        return process.exitValue();
    }

    /** Stops it as Ctrl-C would (the shutdown hook runs). */
    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
