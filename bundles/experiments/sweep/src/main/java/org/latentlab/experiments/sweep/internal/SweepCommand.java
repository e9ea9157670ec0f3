package org.latentlab.experiments.sweep.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.engine.Job;
import org.latentlab.api.experiment.ExperimentEngine;
import org.latentlab.api.experiment.ExperimentRequest;
import org.latentlab.api.experiment.ExperimentResult;
import org.latentlab.api.sweep.CellMeasures;
import org.latentlab.api.sweep.CellResult;
import org.latentlab.launcher.spi.CommandLines;
import org.latentlab.launcher.spi.ProgressPrinter;
import org.latentlab.launcher.spi.Subcommand;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code latentlab sweep}: the sweep experiment through the experiment engine, with progress and the table of
 * final rows. Exit 0 when every cell finished, 1 when any failed (the results are written either way), 2 for a
 * bad spec or option.
 */
@Component(property = {Subcommand.NAME + "=sweep",
        Subcommand.SUMMARY + "=train and analyse a grid of training recipes; memorization, attractors and contraction as trends"})
public class SweepCommand implements Subcommand {

    @Reference
    ExperimentEngine engine;

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        SweepOptions options = new SweepOptions();
        return CommandLines.run("sweep", options, argv, out, err, () -> sweep(options, out, err));
    }

    private int sweep(SweepOptions options, PrintStream out, PrintStream err) throws Exception {
        if (options.list) {
            for (String s : Studies.NAMES) {
                SweepSpec spec = SweepSpec.parse(Studies.spec(s).orElseThrow(), s);
                out.printf(Locale.ROOT, "%-18s %3d cells  %s%n", s, spec.cells().size(), spec.description());
            }
            return 0;
        }
        if (options.show != null) {
            String text = Studies.spec(options.show).orElseThrow(() -> new CommandLines.BadUsage("--show " + options.show
                    + ": no such study; built-in studies are " + String.join(", ", Studies.NAMES)));
            out.print(text.endsWith("\n") ? text : text + "\n");
            return 0;
        }
        ExperimentRequest request = options.request(); // BadUsage: exit 2
        Job<ExperimentResult> job;
        try {
            job = engine.submit(request);
        } catch (LatentLabException e) {
            err.println("sweep: " + e.getMessage());
            return 1;
        }
        ProgressPrinter printer = options.quiet ? null : ProgressPrinter.onTerminal(err);
        ExperimentResult result;
        try {
            result = job.await(p -> {
                if (printer != null) {
                    printer.progress(p.stage(), p.message(), p.done(), p.total(), null);
                }
            });
        } catch (LatentLabException e) {
            err.println("sweep: " + e.getMessage());
            return 1;
        } finally {
            if (printer != null) {
                printer.endLine();
            }
        }
        return print(out, err, result, request.outDir());
    }

    static int print(PrintStream out, PrintStream err, ExperimentResult result, Path outDir) {
        out.println(result.title());
        if (!(result.details() instanceof SweepResult r)) {
            return 0;
        }
        List<String> axes = List.copyOf(r.axes().keySet());
        StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-5s %-7s", "cell", "status"));
        axes.forEach(a -> h.append(String.format(Locale.ROOT, " %12s", a)));
        h.append(String.format(Locale.ROOT, " %9s %9s %8s %8s %9s %8s %8s", "trainLoss", "testLoss", "contract", "memBase",
                "noiseAttr", "noiseMem", "trainMem"));
        out.println(h);
        int failed = 0;
        for (CellResult c : r.cells()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-5s %-7s", c.cell().id(), SweepFiles.status(c)));
            axes.forEach(a -> line.append(String.format(Locale.ROOT, " %12s", c.cell().axes().get(a))));
            if (c.rows().isEmpty()) {
                failed++;
                line.append("  ").append(c.error());
            } else {
                CellMeasures m = c.rows().get(c.rows().size() - 1);
                line.append(String.format(Locale.ROOT, " %9.5f %9.5f %8.3f %8.3f %9s %8.3f %8.3f", m.trainLoss(), m.testLoss(),
                        m.contractionMean(), m.memorizationBaseline(),
                        m.seedSet("noise").map(s -> Integer.toString(s.attractors())).orElse("-"),
                        m.seedSet("noise").map(s -> s.meanMemorization()).orElse(Double.NaN),
                        m.seedSet("train").map(s -> s.meanMemorization()).orElse(Double.NaN)));
            }
            out.println(line);
        }
        if (result.summary().get("reused") instanceof org.latentlab.api.result.FieldValue.Int n && n.value() > 0) {
            out.printf(Locale.ROOT, "%d cells reused from an earlier run%n", n.value());
        }
        out.printf(Locale.ROOT, "in %.1f s. Results in %s (sweep.json, sweep.csv, report.html)%n", result.elapsedMillis() / 1000.0,
                outDir);
        if (failed > 0) {
            err.println("sweep: " + failed + " of " + r.cells().size() + " cells failed (errors above and in sweep.json); run the "
                    + "same command again to retry them, finished cells are kept");
            return 1;
        }
        return 0;
    }
}
