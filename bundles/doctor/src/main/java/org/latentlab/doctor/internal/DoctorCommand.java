package org.latentlab.doctor.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.latentlab.launcher.spi.CommandLines;
import org.latentlab.launcher.spi.PluginFile;
import org.latentlab.launcher.spi.PluginStatus;
import org.latentlab.launcher.spi.Subcommand;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code latentlab doctor}: checks Java, the data folder, the job database, the plugins and the native
 * engines, one line each (OK, WARN or FAIL, with what to do), and exits 1 when any check fails.
 */
@Component(service = Subcommand.class, property = {
        Subcommand.NAME + "=doctor",
        Subcommand.SUMMARY + "=check the data folder, job database, plugins, native engines and Java; exit 1 on a problem"})
public class DoctorCommand implements Subcommand {

    /** The options of {@code latentlab doctor}. */
    @Command(name = "latentlab doctor", description = {"Checks Java, the data folder (writable, free space), the server's job"
            + " database (present, an H2 file, in use), every file in the plugins folder (in use, or why not) and the native"
            + " engines (PyTorch, ONNX Runtime, ND4J: each is loaded and runs a tiny computation). One line per check: OK,"
            + " WARN or FAIL, with what to do. Exit status 0 when nothing failed, 1 when something did."})
    static final class Options {
        @Mixin
        CommandLines.Help help;
        @Option(names = "--no-engines", description = "skip loading the native engines (fast)")
        boolean noEngines;
        @Option(names = "--timeout", paramLabel = "SECONDS", description = "how long each engine may take to load (default"
                + " ${DEFAULT-VALUE}; the first load unpacks native libraries into the data folder's cache/)")
        long timeout = 120;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile PluginStatus plugins;

    private Path home;
    private Path pluginsFolder;

    @Activate
    void activate(BundleContext context) {
        String h = context.getProperty("latentlab.home");
        home = Path.of(h == null ? "." : h);
        String p = context.getProperty("latentlab.plugins");
        pluginsFolder = p == null ? home.resolve("plugins") : Path.of(p);
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o = new Options();
        return CommandLines.run("doctor", o, args, out, err, () -> {
            if (o.timeout < 1) {
                throw new CommandLines.BadUsage("--timeout must be at least 1 second, not " + o.timeout);
            }
            return check(!o.noEngines, Duration.ofSeconds(o.timeout), out);
        });
    }

    private int check(boolean engines, Duration timeout, PrintStream out) {
        List<Check> checks = new ArrayList<>();
        checks.add(safely("java", HomeChecks::java, out));
        checks.add(safely("data folder", () -> HomeChecks.dataFolder(home), out));
        checks.add(safely("database", () -> HomeChecks.database(home, new DatabaseLocks()), out));
        for (Check c : pluginChecks()) {
            checks.add(c);
            out.println(c.line());
        }
        if (engines) {
            Duration t = timeout;
            checks.add(safely("engine", () -> EngineChecks.pytorch(t), out));
            checks.add(safely("engine", () -> EngineChecks.onnxRuntime(t), out));
            checks.add(safely("engine", () -> EngineChecks.nd4j(t), out));
        }
        long failed = checks.stream().filter(c -> c.verdict() == Check.Verdict.FAIL).count();
        long warned = checks.stream().filter(c -> c.verdict() == Check.Verdict.WARN).count();
        out.println(failed > 0 ? "doctor: " + failed + " check(s) failed" + (warned > 0 ? ", " + warned + " warning(s)" : "")
                + ": see the FAIL lines"
                : warned > 0 ? "doctor: no check failed, " + warned + " warning(s)" : "doctor: all checks passed");
        return failed > 0 ? 1 : 0;
    }

    /** Runs a check and prints its line; a check that throws is itself a failed line, never a stack trace. */
    private static Check safely(String subject, java.util.function.Supplier<Check> check, PrintStream out) {
        Check c;
        try {
            c = check.get();
        } catch (RuntimeException | LinkageError e) {
            c = Check.fail(subject, "the check itself failed: " + Problems.oneLine(e));
        }
        out.println(c.line());
        return c;
    }

    List<Check> pluginChecks() {
        PluginStatus status = plugins;
        if (status == null) {
            return List.of(Check.warn("plugins", "the plugin monitor is not running, so plugin problems cannot be shown"));
        }
        List<PluginFile> files = status.files();
        if (files.isEmpty()) {
            return List.of(Check.ok("plugins", "none in " + pluginsFolder));
        }
        List<Check> out = new ArrayList<>();
        for (PluginFile f : files) {
            String what = f.name() + (f.bundle() == null ? "" : " (" + f.bundle() + ")");
            out.add(switch (f.state()) {
                case ACTIVE -> Check.ok("plugin", what + ": active");
                case WAITING -> Check.warn("plugin", what + ": still being copied, installed or started; run doctor again");
                case PROBLEM -> Check.fail("plugin", f.name() + ": " + f.reason());
            });
        }
        return out;
    }
}
