package org.latentlab.commands.internal;

import java.io.PrintStream;
import java.util.List;
import org.latentlab.api.catalog.CapabilityInfo;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.ParameterSpec;
import org.latentlab.launcher.spi.CommandLines;
import org.latentlab.launcher.spi.PluginFile;
import org.latentlab.launcher.spi.PluginStatus;
import org.latentlab.launcher.spi.Subcommand;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code latentlab services} and the Gogo command {@code lab:services}: the backends, strategies,
 * clusterers, metrics, exporters, data sets and seed sources registered now, with ids and parameters,
 * then the files in the plugins folder that the lab cannot use, with the reason.
 */
@Component(service = {Subcommand.class, ServicesCommand.class}, property = {
        Subcommand.NAME + "=services",
        Subcommand.SUMMARY + "=list the registered backends, strategies, clusterers, metrics, exporters and data sets",
        "osgi.command.scope=lab", "osgi.command.function=services"})
public class ServicesCommand implements Subcommand {

    /** The options of {@code latentlab services}. */
    @Command(name = "latentlab services", description = {"Lists the capabilities registered right now, one line each: kind, id,"
            + " bundle, description; then, if there are any, the files in the plugins folder the lab cannot use, and why."})
    static final class Options {
        @Mixin
        CommandLines.Help help;
        @Option(names = "--kind", paramLabel = "KIND", description = "only this kind: backend, strategy, clusterer, metric, exporter,"
                + " dataset, seeds")
        String kind;
        @Option(names = "--params", description = "also list each capability's parameters with defaults and ranges")
        boolean params;
    }

    @Reference
    Catalog catalog;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile PluginStatus plugins;

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o = new Options();
        return CommandLines.run("services", o, args, out, err, () -> {
            print(out, o.kind, o.params);
            return 0;
        });
    }

    void print(PrintStream out, String kind, boolean params) {
        List<CapabilityInfo> infos = catalog.list().stream()
                .filter(i -> kind == null || i.kind().label().equals(kind)).toList();
        if (infos.isEmpty()) {
            out.println(kind == null ? "No capabilities are registered." : "No " + kind + " is registered.");
            printProblems(out);
            return;
        }
        out.printf("%-10s %-18s %-48s %s%n", "KIND", "ID", "BUNDLE", "DESCRIPTION");
        for (CapabilityInfo i : infos) {
            out.printf("%-10s %-18s %-48s %s%n", i.kind().label(), i.id(), i.bundle() + " " + i.bundleVersion(),
                    i.description());
            if (params) {
                for (ParameterSpec p : i.parameters()) {
                    out.printf("%12s %s (%s, default %s%s) %s%n", "", p.name(), p.type().name().toLowerCase(),
                            p.defaultValue(), p.min() == null ? "" : ", range [" + p.min() + ", " + p.max() + "]",
                            p.description());
                }
            }
        }
        printProblems(out);
    }

    /** The plugin files the lab does not use; nothing when all are fine. */
    void printProblems(PrintStream out) {
        PluginStatus status = plugins;
        List<PluginFile> problems = status == null ? List.of() : status.problems();
        if (problems.isEmpty()) {
            return;
        }
        out.println();
        out.println("Plugin problems (files in the plugins folder that the lab does not use):");
        for (PluginFile f : problems) {
            out.printf("  %-28s %s%n", f.name(), f.reason());
        }
    }

    /** Gogo: {@code lab:services [kind]}. */
    public void services() {
        print(System.out, null, false);
    }

    public void services(String kind) {
        print(System.out, kind, true);
    }
}
