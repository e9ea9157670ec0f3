package org.latentlab.cli.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.engine.AnalysisEngine;
import org.latentlab.api.engine.AnalysisRequest;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.engine.Job;
import org.latentlab.api.engine.JobProgress;
import org.latentlab.io.OutputFolder;
import org.latentlab.launcher.spi.CommandLines;
import org.latentlab.launcher.spi.ProgressPrinter;
import org.latentlab.launcher.spi.Subcommand;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code latentlab analyze}: one analysis through the engine, with progress on the terminal. */
@Component(property = {Subcommand.NAME + "=analyze",
        Subcommand.SUMMARY + "=find the attractors of a model's latent map from given or generated seeds"})
public class AnalyzeCommand implements Subcommand {

    @Reference
    AnalysisEngine engine;

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        AnalyzeOptions options = new AnalyzeOptions();
        return CommandLines.run("analyze", options, argv, out, err, () -> analyze(options, out, err));
    }

    private int analyze(AnalyzeOptions options, PrintStream out, PrintStream err) throws Exception {
        AnalysisRequest request;
        Job<AnalysisResult> job;
        try {
            request = options.request();
            OutputFolder.check(request.outDir(), OutputFolder.ANALYSIS); // before any work, not after it
            job = engine.submit(request);
        } catch (LatentLabException e) {
            err.println("analyze: " + e.getMessage());
            return 1;
        }
        ProgressPrinter printer = options.quiet ? null : ProgressPrinter.onTerminal(err);
        AnalysisResult result;
        try {
            result = job.await(p -> {
                if (printer != null) {
                    show(printer, p);
                }
            });
        } catch (LatentLabException e) {
            err.println("analyze: " + e.getMessage());
            return 1;
        } finally {
            if (printer != null) {
                printer.endLine();
            }
        }
        print(out, result, request.outDir());
        return 0;
    }

    /** A job's progress: on a console with counts; elsewhere a line per stage and message. */
    static void show(ProgressPrinter printer, JobProgress p) {
        printer.progress(p.stage(), p.message(), p.done(), p.total(), "seed-steps");
    }

    /**
     * A line under the counts when no seed converged because every one diverged: a model whose decoder gives NaN, or
     * a map that blows up, otherwise looks like a run that found nothing ("0 distinct fixed points").
     */
    static String note(long seeds, long converged, long diverged, double divergenceNorm) {
        if (seeds == 0 || converged > 0 || diverged < seeds) {
            return null;
        }
        return String.format(Locale.ROOT, "Note: every trajectory diverged (a NaN or infinite value%s): check the model, e.g. "
                + "'latentlab field --model DIR --points SEEDS.npy' shows f(z) - z at the seeds", Double.isNaN(divergenceNorm)
                ? "" : ", or a norm above divergenceNorm=" + divergenceNorm);
    }

    /**
     * A line on a {@code mixedPrecision} run: how many evaluations each map took, or that the model had no bfloat16
     * version here (the run was float32 only), so a researcher never takes one for the other.
     */
    static String precision(AnalysisResult r) {
        if (!r.strategyParams().getBoolean("mixedPrecision", false) || r.iteratedOn() != null) {
            return null;
        }
        if (r.lowPrecisionEvaluations() > 0) {
            return String.format(Locale.ROOT, "Mixed precision: %d evaluations of the model's bfloat16 version, then %d of the "
                    + "model itself (float32; every end point is a fixed point of the model by the stopping rule)",
                    r.lowPrecisionEvaluations(), r.mapEvaluations());
        }
        return "Note: mixedPrecision=true, but the model has no bfloat16 version here (TorchScript models on a CPU with "
                + "amx_bf16 or avx512_bf16 have one; docs/analysis.md): the run was float32 only";
    }

    static void print(PrintStream out, AnalysisResult r, Path outDir) {
        long converged = r.seedSummary().converged();
        long diverged = r.seedSummary().diverged();
        long n = r.seedCount();
        out.printf(Locale.ROOT, "Model '%s', %d seeds (%s), strategy %s %s, clusterer %s %s%n", r.model().name(), n,
                r.seedOrigin(), r.strategy(), r.strategyParams().values(), r.clusterer(), r.clustererParams().values());
        if (r.iteratedOn() != null) {
            out.println("Seeds iterated on " + r.iteratedOn());
        }
        out.printf(Locale.ROOT, "%d converged, %d diverged, %d not converged, in %.1f s%n", converged, diverged,
                n - converged - diverged, r.elapsedMillis() / 1000.0);
        String note = note(n, converged, diverged, r.strategyParams().getDouble("divergenceNorm", Double.NaN));
        if (note != null) {
            out.println(note);
        }
        String precision = precision(r);
        if (precision != null) {
            out.println(precision);
        }
        out.printf(Locale.ROOT, "%d distinct fixed points:%n", r.attractors().size());
        out.printf(Locale.ROOT, "%5s %8s %7s  %-10s %8s %8s %17s%n", "id", "basin", "share", "kind", "rho", "||J||", "steps mean/pred");
        int shown = 0;
        for (Attractor at : r.attractors()) {
            if (shown++ == 20) {
                out.printf("  ... %d more in result.json%n", r.attractors().size() - 20);
                break;
            }
            out.printf(Locale.ROOT, "%5d %8d %6.1f%%  %-10s %8.4f %8.4f %8.1f/%-8.1f%n", at.id(), at.basinSize(),
                    100.0 * at.basinSize() / n, at.kind().name().toLowerCase(Locale.ROOT), at.spectralRadius(),
                    at.spectralNorm(), at.meanSteps(), at.predictedSteps());
        }
        r.metricSummaries().forEach((id, s) -> out.println("metric " + id + ": " + s));
        out.println("Results in " + outDir);
    }
}
