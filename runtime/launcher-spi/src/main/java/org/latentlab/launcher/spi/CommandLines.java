package org.latentlab.launcher.spi;

import java.io.PrintStream;
import java.util.List;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The conventions of every {@code latentlab} command line, on picocli: options are declared with
 * picocli annotations on a plain object; {@code -h}/{@code --help} prints the generated help to the
 * normal output and exits 0; bad usage prints one line {@code COMMAND: what is wrong} and the help to
 * the error output and exits 2; failures of the command itself are its own business (exit 1). Used by
 * the launcher and by every bundle's {@link Subcommand}, so all of them parse and answer alike.
 *
 * <pre>
 * public int run(List&lt;String&gt; args, PrintStream out, PrintStream err) {
 *     Options o = new Options();                       // a &#64;Command class with &#64;Option fields
 *     return CommandLines.run("analyze", o, args, out, err, () -&gt; analyze(o, out, err));
 * }
 * </pre>
 */
public final class CommandLines {

    /** Width of generated help. */
    static final int HELP_WIDTH = 110;

    private CommandLines() {}

    /** Mix into a command's options ({@code @Mixin CommandLines.Help help;}) for {@code -h} and {@code --help}. */
    public static final class Help {
        @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;
    }

    /** The body of a command, run after its options are parsed; may throw {@link BadUsage}. */
    @FunctionalInterface
    public interface Body {
        /** @return the exit code: 0 success, 1 failure, 2 bad usage */
        int run() throws Exception;
    }

    /**
     * Bad usage found after parsing (a missing or conflicting option): {@link #run} prints the message
     * and the help and exits 2. Throw it before any work is done.
     */
    public static final class BadUsage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public BadUsage(String message) {
            super(message);
        }
    }

    /**
     * Parses {@code args} into {@code options} and runs {@code body}, with the conventions above.
     *
     * @param name    the command word, first on error lines ({@code analyze: --out DIR is required})
     * @param options a {@link picocli.CommandLine.Command}-annotated object whose fields receive the options
     */
    public static int run(String name, Object options, List<String> args, PrintStream out, PrintStream err, Body body)
            throws Exception {
        CommandLine cl = of(options);
        OptionalInt early = parse(name, cl, args, out, err);
        if (early.isPresent()) {
            return early.getAsInt();
        }
        try {
            return body.run();
        } catch (BadUsage e) {
            return badUsage(name, cl, e.getMessage(), err);
        }
    }

    /**
     * A picocli command line for {@code options} with our settings: the last of a repeated single-value
     * option wins, {@code @file} arguments are not expanded, numbers that do not parse are reported
     * with the option's name.
     */
    public static CommandLine of(Object options) {
        CommandLine cl = new CommandLine(options);
        cl.setOverwrittenOptionsAllowed(true);
        cl.setExpandAtFiles(false);
        cl.setUsageHelpWidth(HELP_WIDTH);
        cl.setUsageHelpLongOptionsMaxWidth(28);
        cl.registerConverter(Integer.class, v -> whole(v, Integer::parseInt));
        cl.registerConverter(int.class, v -> whole(v, Integer::parseInt));
        cl.registerConverter(Long.class, v -> whole(v, Long::parseLong));
        cl.registerConverter(long.class, v -> whole(v, Long::parseLong));
        cl.registerConverter(Double.class, CommandLines::real);
        cl.registerConverter(double.class, CommandLines::real);
        return cl;
    }

    /**
     * Parses {@code args}: empty when the command should go on; otherwise the exit code after help
     * (0, help printed to {@code out}) or bad usage (2, the error line and help printed to {@code err}).
     */
    public static OptionalInt parse(String name, CommandLine cl, List<String> args, PrintStream out, PrintStream err) {
        try {
            cl.parseArgs(args.toArray(String[]::new));
        } catch (ParameterException e) {
            return OptionalInt.of(badUsage(name, cl, message(e), err));
        }
        if (cl.isUsageHelpRequested()) {
            cl.usage(out);
            return OptionalInt.of(0);
        }
        if (cl.isVersionHelpRequested()) {
            cl.printVersionHelp(out);
            return OptionalInt.of(0);
        }
        return OptionalInt.empty();
    }

    /** Prints {@code name: message}, a blank line and the help to {@code err}; returns 2. */
    public static int badUsage(String name, CommandLine cl, String message, PrintStream err) {
        err.println(name + ": " + message);
        err.println();
        cl.usage(err);
        err.flush();
        return 2;
    }

    /** One line for a parse error, in the words every LatentLab command uses. */
    public static String message(ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            return first.startsWith("-") ? "unknown option " + first : "unexpected argument '" + first + "'";
        }
        if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()) {
            ArgSpec spec = m.getMissing().get(0);
            if (spec instanceof OptionSpec o) {
                return o.longestName() + " needs a value";
            }
            return spec.paramLabel() + " is required";
        }
        if (e.getCause() instanceof TypeConversionException t && e.getArgSpec() instanceof OptionSpec o) {
            return o.longestName() + " " + t.getMessage();
        }
        return e.getMessage();
    }

    private interface Parser<T> {
        T parse(String s);
    }

    private static <T> T whole(String v, Parser<T> p) {
        try {
            return p.parse(v.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + v + "' is not a whole number");
        }
    }

    /** Any double, including NaN and infinities: commands refuse those with their own words. */
    private static Double real(String v) {
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + v + "' is not a number");
        }
    }
}
