package org.latentlab.cli.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.catalog.CapabilityInfo;
import org.latentlab.api.catalog.CapabilityKind;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.engine.Job;
import org.latentlab.api.experiment.Experiment;
import org.latentlab.api.experiment.ExperimentEngine;
import org.latentlab.api.experiment.ExperimentRequest;
import org.latentlab.api.experiment.ExperimentResult;
import org.latentlab.launcher.spi.CommandLines;
import org.latentlab.launcher.spi.ProgressPrinter;
import org.latentlab.launcher.spi.Subcommand;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code latentlab experiment}: any registered experiment through the experiment engine, with progress
 * on the terminal; {@code --list} shows what is registered. The built-ins also have commands of their
 * own ({@code ood}, {@code dictionary}); this one serves every experiment, a plugin's too.
 */
@Component(service = {Subcommand.class, ExperimentCommand.class}, property = {Subcommand.NAME + "=experiment",
        Subcommand.SUMMARY + "=run any registered experiment (--list shows them with their parameters)"})
public class ExperimentCommand implements Subcommand {

    @Reference
    ExperimentEngine engine;

    @Reference
    Catalog catalog;

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        ExperimentOptions options = new ExperimentOptions();
        return CommandLines.run("experiment", options, argv, out, err, () -> {
            options.check();
            if (options.list) {
                list(out);
                return 0;
            }
            return experiment(options, out, err);
        });
    }

    /** The registered experiments, each with its parameters (defaults, ranges) from the catalog. */
    void list(PrintStream out) {
        List<CapabilityInfo> infos = experiments();
        if (infos.isEmpty()) {
            out.println("No experiment is registered.");
            return;
        }
        for (CapabilityInfo i : infos) {
            boolean model = catalog.find(Experiment.class, i.id()).map(Experiment::needsModel).orElse(true);
            out.printf("%-18s %s%s%n", i.id(), i.description() == null ? "" : i.description(),
                    model ? " (needs --model)" : "");
            for (ParameterSpec p : i.parameters()) {
                out.printf("    %s=%s  (%s%s) %s%n", p.name(), p.defaultValue() == null ? "" : p.defaultValue(),
                        p.type().name().toLowerCase(Locale.ROOT), range(p), p.description() == null ? "" : p.description());
            }
        }
    }

    private List<CapabilityInfo> experiments() {
        return catalog.list().stream().filter(i -> i.kind() == CapabilityKind.EXPERIMENT).toList();
    }

    static String range(ParameterSpec p) {
        if (p.min() == null && p.max() == null) {
            return "";
        }
        return ", " + number(p.min()) + " to " + number(p.max());
    }

    private static String number(Double d) {
        if (d == null) {
            return "any";
        }
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString();
    }

    /**
     * Bad usage (exit 2) is found before anything runs: an unknown id (the line lists the registered
     * ones), an unknown or malformed parameter, a missing --model. What the engine refuses then (model
     * files, out folder) and what fails while it runs is exit 1.
     */
    private int experiment(ExperimentOptions options, PrintStream out, PrintStream err) throws Exception {
        Optional<Experiment> experiment = catalog.find(Experiment.class, options.id);
        if (experiment.isEmpty()) {
            err.println("experiment: no experiment '" + options.id + "' is registered; registered: "
                    + experiments().stream().map(CapabilityInfo::id).toList() + " (latentlab experiment --list)");
            return 2;
        }
        try {
            Parameters.resolve("experiment '" + options.id + "'", experiment.get().parameters(), options.params());
        } catch (LatentLabException e) {
            err.println("experiment: " + e.getMessage() + " (latentlab experiment --list)");
            return 2;
        }
        if (experiment.get().needsModel() && options.model == null) {
            throw new CommandLines.BadUsage("experiment '" + options.id + "' needs a model: --model DIR");
        }
        ExperimentRequest request;
        Job<ExperimentResult> job;
        try {
            request = options.request();
            job = engine.submit(request);
        } catch (LatentLabException e) {
            err.println("experiment: " + e.getMessage());
            return 1;
        }
        ProgressPrinter printer = options.quiet ? null : ProgressPrinter.onTerminal(err);
        ExperimentResult result;
        try {
            result = job.await(p -> {
                if (printer != null) {
                    AnalyzeCommand.show(printer, p);
                }
            });
        } catch (LatentLabException e) {
            err.println("experiment: " + options.id + " " + e.getMessage());
            return 1;
        } finally {
            if (printer != null) {
                printer.endLine();
            }
        }
        print(out, job.id(), result, request.outDir());
        return 0;
    }

    /** Title, summary, and the files in the out folder. */
    static void print(PrintStream out, String jobId, ExperimentResult r, Path outDir) throws IOException {
        out.println(r.title());
        r.summary().forEach((k, v) -> out.println("  " + k + ": " + v));
        out.printf(Locale.ROOT, "job %s, %.1f s; files in %s:%n", jobId, r.elapsedMillis() / 1000.0, outDir);
        for (String f : files(outDir)) {
            out.println("  " + f);
        }
    }

    /** The out folder's files, relative and sorted; hidden ones (the output marker) left out. */
    static List<String> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(dir::relativize)
                    .filter(p -> Stream.of(p.toString().split("[/\\\\]")).noneMatch(n -> n.startsWith(".")))
                    .map(Path::toString).sorted().toList();
        }
    }
}
