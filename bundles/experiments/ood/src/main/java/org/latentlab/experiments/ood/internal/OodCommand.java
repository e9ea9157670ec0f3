package org.latentlab.experiments.ood.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.catalog.CapabilityInfo;
import org.latentlab.api.catalog.CapabilityKind;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.data.DataSet;
import org.latentlab.api.engine.Job;
import org.latentlab.api.experiment.ExperimentEngine;
import org.latentlab.api.experiment.ExperimentRequest;
import org.latentlab.api.experiment.ExperimentResult;
import org.latentlab.api.experiment.InputReference;
import org.latentlab.launcher.spi.CommandLines;
import org.latentlab.launcher.spi.CommandLines.BadUsage;
import org.latentlab.launcher.spi.ProgressPrinter;
import org.latentlab.launcher.spi.Subcommand;
import org.latentlab.npy.Npy;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code latentlab ood}: the {@code ood} experiment through the experiment engine, with progress on
 * the terminal and the table of scores at the end. Exit 0 on success, 1 when the run fails or an input
 * cannot be read, 2 for bad usage (missing options, malformed references, unknown scores or data sets).
 */
@Component(property = {Subcommand.NAME + "=ood",
        Subcommand.SUMMARY + "=out-of-distribution detection: every OOD score side by side (AUROC, FPR95, ROC curves)"})
public class OodCommand implements Subcommand {

    @Reference
    ExperimentEngine engine;

    @Reference
    Catalog catalog;

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        OodOptions options = new OodOptions();
        return CommandLines.run("ood", options, argv, out, err, () -> ood(options, out, err));
    }

    private int ood(OodOptions options, PrintStream out, PrintStream err) throws Exception {
        ExperimentRequest request = options.request();
        checkUsage(request);
        Job<ExperimentResult> job;
        try {
            checkFiles(request);
            job = engine.submit(request);
        } catch (LatentLabException e) {
            err.println("ood: " + e.getMessage());
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
            err.println("ood: " + e.getMessage());
            return 1;
        } finally {
            if (printer != null) {
                printer.endLine();
            }
        }
        print(out, (OodReport) result.details(), result, request);
        return 0;
    }

    /** Unknown score ids and data sets are bad usage, found before any work. */
    void checkUsage(ExperimentRequest request) {
        String scores = request.params().get("scores");
        if (scores != null) {
            List<String> registered = catalog.list().stream().filter(i -> i.kind() == CapabilityKind.OOD_SCORE)
                    .map(CapabilityInfo::id).sorted().toList();
            for (String id : scores.split(",")) {
                if (!registered.contains(id)) {
                    throw new BadUsage("--score " + id + ": no OOD score with that id is registered; registered: " + registered);
                }
            }
        }
        for (String option : List.of("training", "in", "ood")) {
            InputReference ref = InputReference.parse(request.params().get(option));
            if (!ref.isFile()) {
                DataSet ds = catalog.find(DataSet.class, ref.dataset()).orElseThrow(() -> new BadUsage("--" + option + " " + ref
                        + ": no data set '" + ref.dataset() + "' is registered; registered: " + catalog.list().stream()
                                .filter(i -> i.kind() == CapabilityKind.DATASET).map(CapabilityInfo::id).sorted().toList()));
                if (!ds.splits().contains(ref.split())) {
                    throw new BadUsage("--" + option + " " + ref + ": data set '" + ref.dataset() + "' has no split '" + ref.split()
                            + "'; its splits: " + ds.splits());
                }
            }
        }
    }

    /** Input files exist and are float32 .npy files: failures (exit 1), named before any work. */
    static void checkFiles(ExperimentRequest request) {
        for (String option : List.of("training", "in", "ood")) {
            InputReference ref = InputReference.parse(request.params().get(option));
            if (ref.isFile()) {
                if (!Files.isRegularFile(ref.file())) {
                    throw new LatentLabException("--" + option + " file " + ref.file() + " does not exist");
                }
                try {
                    Npy.header(ref.file());
                } catch (IOException e) {
                    throw new LatentLabException("--" + option + " " + ref.file() + ": " + e.getMessage());
                }
            }
        }
    }

    static void print(PrintStream out, OodReport r, ExperimentResult result, ExperimentRequest request) {
        out.printf(Locale.ROOT, "Model '%s': %d in-distribution (%s) vs %d out-of-distribution (%s) inputs, %d steps%n", r.model(),
                r.inCount(), r.in(), r.oodCount(), r.ood(), r.steps());
        out.printf(Locale.ROOT, "%d training encodings (%s); %d training attractors from %d seeds (%d converged, %s, %s); "
                + "in %.1f s%n", r.trainingCount(), r.training(), r.attractors(), r.seedsUsed(), r.converged(), r.strategy(),
                r.clusterer(), result.elapsedMillis() / 1000.0);
        out.printf(Locale.ROOT, "%-20s %8s %8s%n", "score", "AUROC", "FPR95");
        for (ScoreSummary s : r.ranked()) {
            out.printf(Locale.ROOT, "%-20s %8.4f %8.4f%n", s.id(), s.auroc(), s.fpr95());
        }
        out.println("Results in " + request.outDir() + " (ood.json, scores-in.npy, scores-ood.npy, report.html)");
    }
}
