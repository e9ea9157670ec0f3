package org.latentlab.server.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.latentlab.launcher.spi.CommandLines;
import org.latentlab.launcher.spi.Subcommand;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code latentlab serve}: sets Felix HTTP's address through ConfigAdmin (PID org.apache.felix.http),
 * waits for the servlet runtime to listen there, prints the address (and the token when it is
 * new), and serves until the process is stopped.
 */
@Component(property = {Subcommand.NAME + "=serve",
        Subcommand.SUMMARY + "=run the lab server: REST API under /api/, web page at /"})
public class ServeCommand implements Subcommand {

    /** The options of {@code latentlab serve}. */
    @Command(name = "latentlab serve", description = "Runs the lab server: REST API under /api/, web page at /.", footer = {"",
        "Configuration files in DATA/etc are applied live: org.latentlab.server.cfg (modelRoots, maxQueuedJobs,",
        "maxRequestBytes), org.latentlab.engine.cfg (maxConcurrentJobs, ...), org.latentlab.backends.cfg.",
        "The server logs to DATA/logs/server.log."})
    static final class Options {
        @Mixin
        CommandLines.Help help;
        @Option(names = "--port", paramLabel = "N", description = "TCP port (default 8090; 0 picks a free one)")
        String port = "8090";
        @Option(names = "--host", paramLabel = "ADDRESS", description = "address to bind (default 127.0.0.1: this machine only)")
        String host = "127.0.0.1";
        @Option(names = "--new-token", description = "replace the API token (the old one stops working)")
        boolean newToken;

        int port() {
            int p;
            try {
                p = Integer.parseInt(port.trim());
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 0 || p > 65535) {
                throw new CommandLines.BadUsage("--port must be 0..65535");
            }
            return p;
        }
    }

    @Reference
    LabServer lab;

    @Reference
    ConfigurationAdmin configAdmin;

    private BundleContext ctx;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Set once this run owns the HTTP configuration; a run refused before that (a second server) leaves it alone. */
    private volatile boolean ownsHttpConfiguration;

    @Activate
    void activate(BundleContext ctx) {
        this.ctx = ctx;
    }

    @Deactivate
    void deactivate() {
        stopped.countDown();
        if (!ownsHttpConfiguration) {
            return; // e.g. refused because another server uses this data folder: its configuration is not ours to delete
        }
        try { // the address is for this serve run only: other commands must not start Jetty with it
            Configuration http = configAdmin.getConfiguration("org.apache.felix.http", "?");
            if (http.getProperties() != null) {
                http.delete();
            }
        } catch (Exception ignored) {
            // ConfigAdmin already stopping
        }
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o = new Options();
        return CommandLines.run("serve", o, args, out, err, () -> serve(o.port(), o.host, o.newToken, out, err));
    }

    private int serve(int port, String host, boolean newToken, PrintStream out, PrintStream err) throws Exception {
        if (lab.startupProblem() != null) {
            err.println("serve: " + lab.startupProblem());
            return 1;
        }
        int wanted = port;
        // a configuration left by a killed run may have started Jetty on this port already: then it is ours, not taken
        boolean ours = port != 0 && endpoints().stream().anyMatch(e -> e.contains(":" + wanted + "/"));
        String bad = checkAddress(host, ours ? 0 : port);
        if (bad != null) {
            err.println("serve: " + bad);
            return bad.startsWith("port ") ? 1 : 2;
        }
        java.util.Set<String> before = endpoints(); // a persisted configuration may have started Jetty already
        ownsHttpConfiguration = true;
        Configuration http = configAdmin.getConfiguration("org.apache.felix.http", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("org.osgi.service.http.port", Integer.toString(port));
        props.put("org.apache.felix.http.host", host);
        Dictionary<String, Object> current = http.getProperties();
        boolean unchanged = current != null && props.get("org.osgi.service.http.port").equals(current.get("org.osgi.service.http.port"))
                && host.equals(current.get("org.apache.felix.http.host"));
        if (!unchanged) { // an unchanged configuration (persisted from the last run) does not restart Jetty
            http.update(props);
        }
        String endpoint = awaitEndpoint(port, unchanged ? java.util.Set.of() : before, 30_000);
        if (endpoint == null) {
            err.println("serve: the HTTP server did not start on " + host + ":" + port + " (port in use?)");
            return 1;
        }
        String token = null;
        if (newToken || !lab.tokens().exists()) {
            token = lab.tokens().create();
        }
        for (String note : lab.notes()) {
            err.println("serve: note: " + note);
        }
        for (String problem : lab.configurationProblems()) {
            err.println("serve: warning: " + problem);
        }
        out.println("LatentLab server listening on " + endpoint);
        out.println("  web page: " + endpoint + (token != null ? "#token=" + token : ""));
        out.println("  REST API: " + endpoint + "api/ (header 'Authorization: Bearer TOKEN')");
        if (token != null) {
            out.println("  token:    " + token + "   (shown once; only its hash is stored)");
        } else {
            out.println("  token:    set earlier; 'latentlab serve --new-token' replaces it");
        }
        lab.logFile().ifPresent(f -> out.println("  log:      " + f));
        if (lab.interruptedAtStart() > 0) {
            out.println("  " + lab.interruptedAtStart() + " job(s) were interrupted by the last stop; POST /api/jobs/ID/rerun");
        }
        out.flush();
        LabServer.LOG.info("serving " + lab.home() + " on " + endpoint);
        stopped.await(); // until the framework stops (Ctrl-C) or this component goes away
        if (ctx.getBundle(0).getState() == org.osgi.framework.Bundle.STOPPING) {
            return 0;
        }
        // never a silent exit 0 while the lab runs on
        err.println("serve: the server component was stopped while the lab kept running (its bundle stopped or was "
                + "updated?); start 'latentlab serve' again; details in the log " + lab.logFile().map(Path::toString).orElse(""));
        return 1;
    }

    /**
     * Null when Jetty can listen on host:port; else one line saying what is wrong: the host is unknown
     * or not an address of this machine (bad usage), or the port is taken (starts with "port ").
     */
    static String checkAddress(String host, int port) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException | SecurityException e) {
            return "--host " + host + " is not a known host name or address; give an address of this machine, "
                    + "e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every network)";
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port));
            return null;
        } catch (IOException e) {
            boolean local;
            try {
                local = address.isAnyLocalAddress() || address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null;
            } catch (IOException e2) {
                local = false;
            }
            if (local && port != 0) {
                return "port " + port + " on " + host + " is in use (another server?); stop that, or choose another with "
                        + "--port N (0 picks a free one)";
            }
            if (!local) {
                return "--host " + host + " (" + address.getHostAddress() + ") is not an address of this machine, so the "
                        + "server cannot listen there; use 127.0.0.1 (this machine only) or 0.0.0.0 (every network)";
            }
            return "cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")";
        }
    }

    /**
     * The whiteboard runtime's endpoint once it listens on the wanted port; for port 0, a new
     * endpoint (not one that existed before the configuration changed).
     */
    /** Waits for the HTTP runtime to announce our endpoint: woken by its service events, not by polling. */
    private String awaitEndpoint(int port, java.util.Set<String> before, long millis) throws Exception {
        long end = System.nanoTime() + millis * 1_000_000L;
        java.util.concurrent.Semaphore changed = new java.util.concurrent.Semaphore(0);
        org.osgi.framework.ServiceListener wake = event -> changed.release();
        ctx.addServiceListener(wake, "(objectClass=org.osgi.service.servlet.runtime.HttpServiceRuntime)");
        try {
            while (true) {
                for (String e : endpoints()) {
                    boolean right = port == 0 ? !before.contains(e) && !e.endsWith(":0/") && !e.contains(":-1/")
                            : e.contains(":" + port + "/");
                    if (right) {
                        return e;
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0 || !changed.tryAcquire(left, java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    return null;
                }
                changed.drainPermits();
            }
        } finally {
            ctx.removeServiceListener(wake);
        }
    }

    private java.util.Set<String> endpoints() throws Exception {
        java.util.Set<String> out = new java.util.HashSet<>();
        ServiceReference<?>[] refs = ctx.getAllServiceReferences("org.osgi.service.servlet.runtime.HttpServiceRuntime", null);
        if (refs != null) {
            for (ServiceReference<?> r : refs) {
                Object ep = r.getProperty("osgi.http.endpoint");
                if (ep instanceof String[] a) {
                    out.addAll(java.util.Arrays.asList(a));
                } else if (ep instanceof String s) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
