package org.latentlab.launcher;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.latentlab.launcher.spi.CommandLines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code latentlab} command: global options, then a subcommand. {@code shell} is the launcher's
 * own; every other subcommand is provided by a bundle as a
 * {@link org.latentlab.launcher.spi.Subcommand} service.
 */
public final class Main {

    /** The global options; everything from COMMAND on is the command's. */
    @Command(name = "latentlab", sortOptions = false,
            customSynopsis = "latentlab [--home DIR] [--features LIST] [--poll MS] COMMAND [ARGS...]",
            description = "LatentLab: find and study the attractors of autoencoders' latent maps.",
            commandListHeading = "%nCommands (each has --help):%n")
    static final class Options {
        @Option(names = "--home", paramLabel = "DIR", description = "data folder (default: $LATENTLAB_HOME or ~/.latentlab)")
        Path home;
        @Option(names = "--features", paramLabel = "LIST", description = "comma-separated features to start (default: the"
                + " distribution's default features, plus those a command needs, e.g. server for 'serve'; or $LATENTLAB_FEATURES)")
        String features;
        @Option(names = "--poll", paramLabel = "MS", description = "how often the plugins folder is scanned for new, changed or"
                + " removed jars (default ${DEFAULT-VALUE})")
        long poll = 1000;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help with the commands of the lab and exit")
        boolean help;
        @Parameters(index = "0", arity = "0..1", paramLabel = "COMMAND", description = "shell, or a command of a bundle (below)")
        String command;
        @Parameters(index = "1..*", paramLabel = "ARGS", description = "the command's arguments")
        List<String> args = new ArrayList<>();

        Path home(Map<String, String> env) {
            Path h = home != null ? home
                    : env.get("LATENTLAB_HOME") != null ? Path.of(env.get("LATENTLAB_HOME"))
                    : Path.of(System.getProperty("user.home"), ".latentlab");
            return h.toAbsolutePath().normalize();
        }

        List<String> features(Map<String, String> env) {
            String f = features != null ? features : env.get("LATENTLAB_FEATURES");
            return f == null || f.isBlank() ? List.of()
                    : Arrays.stream(f.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    }

    static final String SHELL_HELP = "Usage: latentlab [--features LIST] shell%n%nThe Gogo console of a running lab: lab:services,"
            + " lab:jobs (with the server feature), lb (bundles), scr:list (components), exit 0 to quit.%n";

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The command line parser of the launcher: global options, then COMMAND and its arguments untouched. */
    static CommandLine parser(Options options) {
        CommandLine cl = CommandLines.of(options);
        cl.setStopAtPositional(true); // the command's own options are the command's business
        return cl;
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Options o = new Options();
        CommandLine cl = parser(o);
        try {
            cl.parseArgs(argv);
        } catch (CommandLine.ParameterException e) {
            return CommandLines.badUsage("latentlab", cl, CommandLines.message(e), err);
        }
        boolean help = o.help || o.command == null || o.command.equals("help");
        String command = help ? "--help" : o.command;
        List<String> args = o.args;
        Path home = o.home(System.getenv());
        List<String> features = o.features(System.getenv());

        Path distribution;
        try {
            distribution = distribution();
        } catch (IllegalStateException e) {
            err.println("latentlab: " + e.getMessage());
            return 1;
        }
        boolean shell = command.equals("shell");
        if (shell && (args.contains("--help") || args.contains("-h"))) {
            out.printf(SHELL_HELP);
            return 0;
        }
        LabConfig config = new LabConfig(home, distribution, features, command, o.poll, shell, Map.of());
        Optional<EngineWarmup> warmup = Optional.empty();
        try {
            warmup = help ? warmup : EngineWarmup.start(command, args, home, Main.class.getClassLoader());
        } catch (RuntimeException e) {
            // only a speed-up: the lab's start meets the same settings and reports what is wrong with them
        }
        try (Lab lab = Lab.start(config)) {
            lab.awaitSettled(Duration.ofSeconds(20));
            if (warmup.isPresent()) {
                warmup.get().await(err);
            }
            if (help) {
                usage(cl, lab.subcommands(), Lab.features(config), out);
                return 0;
            }
            if (shell) {
                lab.awaitStop();
                return 0;
            }
            return lab.run(command, args, out, err);
        } catch (Exception e) {
            err.println("latentlab: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (System.getenv("LATENTLAB_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    /**
     * The generated help with the commands: the launcher's own (shell), those the bundles of the lab provide now,
     * and those of features that start on demand (serve).
     */
    static void usage(CommandLine cl, Map<String, String> subcommands, List<Feature> features, PrintStream out) {
        Map<String, String> commands = new TreeMap<>();
        commands.put("shell", "the Gogo console of the running lab ('lab:services', 'lb', 'exit' to quit)");
        commands.putAll(subcommands);
        for (Feature f : features) {
            for (String c : f.commands()) {
                commands.putIfAbsent(c, "starts the feature '" + f.name() + "'; see 'latentlab " + c + " --help'");
            }
        }
        CommandLine help = CommandLines.of(new Options());
        commands.forEach((name, summary) -> help.addSubcommand(name,
                CommandLine.Model.CommandSpec.create().name(name).usageMessage(new CommandLine.Model.UsageMessageSpec().description(summary))));
        help.usage(out);
    }

    /** The installation folder: -Dlatentlab.distribution, else the parent of the lib/ folder holding this jar. */
    static Path distribution() {
        String prop = System.getProperty("latentlab.distribution");
        if (prop != null) {
            return Path.of(prop).toAbsolutePath();
        }
        try {
            Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dist = jar.getParent().getParent();
            if (Files.isDirectory(dist.resolve("features"))) {
                return dist;
            }
        } catch (URISyntaxException | NullPointerException e) {
            // fall through
        }
        throw new IllegalStateException("cannot find the distribution folder (features/ and bundles/); "
                + "set -Dlatentlab.distribution=DIR");
    }
}
