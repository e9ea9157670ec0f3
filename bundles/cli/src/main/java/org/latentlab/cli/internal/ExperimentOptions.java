package org.latentlab.cli.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentlab.api.experiment.ExperimentRequest;
import org.latentlab.launcher.spi.CommandLines;
import org.latentlab.launcher.spi.CommandLines.BadUsage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options of {@code latentlab experiment}; {@link #request()} turns them into an {@link ExperimentRequest}. */
@Command(name = "latentlab experiment", sortOptions = false,
        customSynopsis = {"latentlab experiment ID [--model DIR] [--param NAME=VALUE ...] --out DIR [--quiet]",
            "latentlab experiment --list"},
        description = "Runs any registered experiment (built-in or from a plugin) as a job, with progress, and prints what it found.",
        footer = {"", "Each experiment's parameters, defaults and ranges: latentlab experiment --list"})
final class ExperimentOptions {

    @Mixin
    CommandLines.Help help;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "the experiment's id (see --list)")
    String id;

    @Option(names = "--list", description = "list the registered experiments with their parameters, defaults and ranges")
    boolean list;

    @Option(names = "--model", paramLabel = "DIR", description = "the model folder, for experiments that need one")
    Path model;

    @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE", description = "a parameter of the experiment (repeatable);"
            + " the value is taken whole, commas included, e.g. --param sparsity=1,2,4")
    List<String> params = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "output folder: a new or empty folder, or an earlier output of an"
            + " experiment (its files are replaced); any other folder is refused")
    Path out;

    @Option(names = "--quiet", description = "no progress display")
    boolean quiet;

    /** NAME=VALUE options into a map, in order; a later one of the same name wins. */
    Map<String, String> params() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String p : params) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new BadUsage("--param '" + p + "' is not NAME=VALUE");
            }
            m.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        return m;
    }

    /** Checks the combination of options: either --list alone, or an id with --out. */
    void check() {
        if (list) {
            if (id != null || out != null || model != null || !params.isEmpty()) {
                throw new BadUsage("--list takes no other arguments");
            }
            return;
        }
        if (id == null) {
            throw new BadUsage("give an experiment ID, or --list to see them");
        }
        if (out == null) {
            throw new BadUsage("--out DIR is required");
        }
    }

    /** The request these options describe (after {@link #check()}). */
    ExperimentRequest request() {
        return ExperimentRequest.builder(id).model(model).params(params()).out(out).build();
    }
}
