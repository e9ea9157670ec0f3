package org.latentlab.experiments.dictionary.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.engine.Job;
import org.latentlab.api.experiment.ExperimentEngine;
import org.latentlab.api.experiment.ExperimentRequest;
import org.latentlab.api.experiment.ExperimentResult;
import org.latentlab.launcher.spi.CommandLines;
import org.latentlab.launcher.spi.ProgressPrinter;
import org.latentlab.launcher.spi.Subcommand;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code latentlab dictionary}: the dictionary experiment through the experiment engine, with progress and the table. */
@Component(property = {Subcommand.NAME + "=dictionary",
        Subcommand.SUMMARY + "=compare the attractors reached from noise, as a sparse-coding dictionary, with four baselines"})
public class DictionaryCommand implements Subcommand {

    @Reference
    ExperimentEngine engine;

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        DictionaryOptions options = new DictionaryOptions();
        return CommandLines.run("dictionary", options, argv, out, err, () -> dictionary(options, out, err));
    }

    private int dictionary(DictionaryOptions options, PrintStream out, PrintStream err) throws Exception {
        ExperimentRequest request = options.request(); // BadUsage: exit 2
        Job<ExperimentResult> job;
        try {
            job = engine.submit(request);
        } catch (LatentLabException e) {
            err.println("dictionary: " + e.getMessage());
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
            err.println("dictionary: " + e.getMessage());
            return 1;
        } finally {
            if (printer != null) {
                printer.endLine();
            }
        }
        print(out, result, request.outDir());
        return 0;
    }

    static void print(PrintStream out, ExperimentResult result, Path outDir) {
        if (result.details() instanceof DictionaryResult r) {
            out.printf(Locale.ROOT, "%d attractor atoms (from %s noise seeds, %s converged), latent dimension %d, %d test inputs%n",
                    r.atoms(), r.settings().get("noise"), r.settings().get("convergedSeeds"), r.latentDim(), r.inputs());
            out.printf(Locale.ROOT, "reconstruction MSE of D(E(x)) vs x: %s per pixel%n", DictionarySection.num(r.reconstructionMse()));
            out.printf(Locale.ROOT, "%-18s %6s %12s %12s%n", "method", "s", "latent MSE", "pixel MSE");
            for (DictionaryResult.Curve c : r.curves()) {
                if (c.skipped().isPresent()) {
                    out.printf(Locale.ROOT, "%-18s skipped: %s%n", c.method().id, c.skipped().get());
                    continue;
                }
                for (int i = 0; i < r.sparsities().size(); i++) {
                    out.printf(Locale.ROOT, "%-18s %6d %12s %12s%n", c.method().id, r.sparsities().get(i),
                            DictionarySection.num(c.latentMse()[i]), DictionarySection.num(c.pixelMse()[i]));
                }
            }
        } else {
            out.println(result.title());
            result.summary().forEach((k, v) -> out.println(k + ": " + v));
        }
        out.printf(Locale.ROOT, "in %.1f s. Results in %s%n", result.elapsedMillis() / 1000.0, outDir);
    }
}
