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

/**
 * The {@code latentlab} command: global options, then a subcommand. {@code shell} is the launcher's
 * own; every other subcommand is provided by a bundle as a
 * {@link org.latentlab.launcher.spi.Subcommand} service.
 */
public final class Main {

    static final String USAGE = """
            Usage: latentlab [--home DIR] [--features LIST] [--poll MS] COMMAND [ARGS...]

            Global options:
              --home DIR       data folder (default: $LATENTLAB_HOME or ~/.latentlab)
              --features LIST  comma-separated features to start (default: the distribution's default features,
                               plus those a command needs, e.g. server for 'serve')
              --poll MS        how often the plugins folder is scanned for new, changed or removed jars (default 1000)

            Commands of the launcher:
              shell            the Gogo console of the running lab ('lab:services', 'lb', 'exit' to quit)

            Commands provided by bundles (each has --help):
            """;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        List<String> args = new ArrayList<>(Arrays.asList(argv));
        String homeOpt = null;
        String featuresOpt = System.getenv("LATENTLAB_FEATURES");
        long poll = 1000;
        boolean help = false;
        while (!args.isEmpty() && args.get(0).startsWith("-")) {
            String opt = args.remove(0);
            try {
                switch (opt) {
                    case "--home" -> homeOpt = args.remove(0);
                    case "--features" -> featuresOpt = args.remove(0);
                    case "--poll" -> poll = Long.parseLong(args.remove(0));
                    case "-h", "--help" -> help = true;
                    default -> {
                        err.println("latentlab: unknown option " + opt + "\n\n" + USAGE);
                        return 2;
                    }
                }
            } catch (IndexOutOfBoundsException | NumberFormatException e) {
                err.println("latentlab: option " + opt + " needs a value");
                return 2;
            }
        }
        String command = help || args.isEmpty() ? "--help" : args.remove(0);
        Path home = homeOpt != null ? Path.of(homeOpt)
                : System.getenv("LATENTLAB_HOME") != null ? Path.of(System.getenv("LATENTLAB_HOME"))
                : Path.of(System.getProperty("user.home"), ".latentlab");
        home = home.toAbsolutePath().normalize();
        List<String> features = featuresOpt == null || featuresOpt.isBlank() ? List.of()
                : Arrays.stream(featuresOpt.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();

        Path distribution;
        try {
            distribution = distribution();
        } catch (IllegalStateException e) {
            err.println("latentlab: " + e.getMessage());
            return 1;
        }
        boolean shell = command.equals("shell");
        if (shell && (args.contains("--help") || args.contains("-h"))) {
            out.println("Usage: latentlab [--features LIST] shell\n\nThe Gogo console of a running lab: lab:services, "
                    + "lab:jobs (with the server feature), lb (bundles), scr:list (components), exit 0 to quit.");
            return 0;
        }
        LabConfig config = new LabConfig(home, distribution, features, command, poll, shell, Map.of());
        try (Lab lab = Lab.start(config)) {
            lab.awaitSettled(Duration.ofSeconds(20));
            if (command.equals("--help") || command.equals("help")) {
                out.print(USAGE);
                lab.subcommands().forEach((name, summary) -> out.printf("  %-16s %s%n", name, summary));
                for (Feature f : Lab.features(config)) { // commands of features started on demand (serve)
                    f.commands().stream().filter(c -> !lab.subcommands().containsKey(c))
                            .forEach(c -> out.printf("  %-16s starts the feature '%s'; see 'latentlab %s --help'%n", c, f.name(), c));
                }
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
