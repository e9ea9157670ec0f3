package org.latentlab.launcher.spi;

import java.io.PrintStream;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A {@code latentlab} subcommand provided by a bundle ({@code latentlab analyze ...}). Register it as
 * a service with the property {@link #NAME} (the word the user types) and {@link #SUMMARY}. The
 * launcher starts the framework, waits for the service and calls {@link #run}; the Gogo shell and the
 * server use the same services, so every front end runs the same code.
 */
@ConsumerType
public interface Subcommand {

    /** Service property: the subcommand word, e.g. {@code services}. */
    String NAME = "latentlab.subcommand";
    /** Service property: one line for {@code latentlab --help}. */
    String SUMMARY = "latentlab.subcommand.summary";
    /**
     * Service property: {@code true} for a command that LatentLab runs itself (e.g. on the workers of a cluster) and
     * that {@code latentlab --help} does not list; it runs like any other when named.
     *
     * @since 1.4
     */
    String HIDDEN = "latentlab.subcommand.hidden";

    /**
     * Runs the subcommand.
     *
     * @param args arguments after the subcommand word
     * @param out  normal output
     * @param err  errors and progress
     * @return process exit code: 0 success, 1 failure, 2 bad usage
     */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
