package org.latentlab.cli.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.engine.AnalysisEngine;
import org.latentlab.api.engine.AnalysisRequest;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.engine.Job;
import org.latentlab.api.engine.JobListener;
import org.latentlab.api.engine.JobProgress;
import org.latentlab.api.engine.JobStatus;
import org.latentlab.api.engine.SeedSpec;
import org.latentlab.api.engine.TrainingData;
import org.latentlab.io.OutputFolder;
import org.latentlab.launcher.spi.Subcommand;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code latentlab analyze}: one analysis through the engine, with progress on the terminal. */
@Component(property = {Subcommand.NAME + "=analyze",
        Subcommand.SUMMARY + "=find the attractors of a model's latent map from given or generated seeds"})
public class AnalyzeCommand implements Subcommand {

    static final String HELP = """
            Usage: latentlab analyze --model DIR (--seeds FILE.npy | --inputs FILE.npy | --noise N) --out DIR [options]

            Seeds (one of):
              --seeds FILE.npy        latent seeds, float32 [n, latentDim]
              --inputs FILE.npy       inputs [n, ...inputShape], encoded first
              --noise N               N Gaussian latent seeds (--noise-sigma S, default 1; --random-seed R, default 0)
              --seed-source ID        any registered seed source (see 'latentlab services --kind seeds'),
                                      with --seed-param key=value[,key=value]
            Method:
              --strategy ID           iteration strategy (default picard: the paper's z <- f(z))
              --strategy-param K=V    e.g. tolerance=1e-5,maxSteps=500 (repeatable)
              --clusterer ID          merge rule (default cosine: the paper's cos > 0.99)
              --clusterer-param K=V   e.g. threshold=0.995
              --metric ID[:K=V,...]   a metric to run (repeatable), e.g. memorization, latent-field
              --training D[:S[:N]]    the model's training inputs, for memorization (e.g. mnist:train:10000)
              --exporters LIST        default json,npy,csv,html (report.html; pictures with --metric memorization
                                      and --metric latent-field)
            Output:
              --out DIR               result.json, attractors.npy, endpoints.npy, labels.npy, *.csv, report.html;
                                      a new or empty folder, or an earlier analysis output (its files are replaced,
                                      files of yours in it stay); any other folder is refused
              --quiet                 no progress display

            Parameters of every strategy, clusterer and metric: latentlab services --params
            """;

    @Reference
    AnalysisEngine engine;

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        if (argv.contains("--help") || argv.contains("-h")) {
            out.print(HELP);
            return 0;
        }
        AnalysisRequest request;
        boolean quiet;
        try {
            Args a = new Args(argv, List.of("--quiet"));
            a.allow(List.of("--model", "--seeds", "--inputs", "--noise", "--noise-sigma", "--random-seed", "--seed-source",
                    "--seed-param", "--strategy", "--strategy-param", "--clusterer", "--clusterer-param", "--metric",
                    "--exporters", "--out", "--training"));
            quiet = a.flag("--quiet");
            request = request(a);
        } catch (Args.UsageException e) {
            err.println("analyze: " + e.getMessage() + "\n");
            err.print(HELP);
            return 2;
        }
        Job job;
        try {
            OutputFolder.check(request.outDir(), OutputFolder.ANALYSIS); // before any work, not after it
            job = engine.submit(request);
        } catch (LatentLabException e) {
            err.println("analyze: " + e.getMessage());
            return 1;
        }
        ProgressDisplay display = new ProgressDisplay(err, quiet);
        Runnable unlisten = job.listen(new JobListener() {
            @Override
            public void progressed(Job j, JobProgress p) {
                display.show(p);
            }
        });
        try {
            job.completion().toCompletableFuture().handle((r, e) -> null).get(); // ends however the job ends
        } finally {
            unlisten.run();
        }
        display.done();
        if (job.status() != JobStatus.SUCCEEDED) {
            err.println("analyze: " + job.status().name().toLowerCase(Locale.ROOT) + ": " + job.progress().message());
            return 1;
        }
        try {
            print(out, job.completion().toCompletableFuture().get(), request.outDir());
        } catch (ExecutionException e) {
            err.println("analyze: " + e.getCause().getMessage());
            return 1;
        }
        return 0;
    }

    static AnalysisRequest request(Args a) throws Args.UsageException {
        String model = a.get("--model");
        String outDir = a.get("--out");
        if (model == null) {
            throw new Args.UsageException("--model DIR is required");
        }
        if (outDir == null) {
            throw new Args.UsageException("--out DIR is required");
        }
        int given = (a.get("--seeds") != null ? 1 : 0) + (a.get("--inputs") != null ? 1 : 0) + (a.get("--noise") != null ? 1 : 0)
                + (a.get("--seed-source") != null ? 1 : 0);
        if (given != 1) {
            throw new Args.UsageException("give exactly one of --seeds, --inputs, --noise, --seed-source");
        }
        SeedSpec seeds;
        if (a.get("--seeds") != null) {
            seeds = SeedSpec.latents(Path.of(a.get("--seeds")));
        } else if (a.get("--inputs") != null) {
            seeds = SeedSpec.inputs(Path.of(a.get("--inputs")));
        } else if (a.get("--noise") != null) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("count", a.get("--noise"));
            p.put("sigma", a.get("--noise-sigma", "1"));
            p.put("seed", a.get("--random-seed", "0"));
            seeds = SeedSpec.source("gaussian", p);
        } else {
            seeds = SeedSpec.source(a.get("--seed-source"), Args.keyValues(a.all("--seed-param")));
        }
        AnalysisRequest.Builder b = AnalysisRequest.builder().model(Path.of(model)).out(Path.of(outDir)).seeds(seeds)
                .strategy(a.get("--strategy"), Args.keyValues(a.all("--strategy-param")))
                .clusterer(a.get("--clusterer"), Args.keyValues(a.all("--clusterer-param")))
                .training(a.get("--training") == null ? null : TrainingData.parse(a.get("--training")));
        for (String m : a.all("--metric")) {
            int colon = m.indexOf(':');
            b.metric(colon < 0 ? m : m.substring(0, colon), colon < 0 ? Map.of() : Args.keyValues(List.of(m.substring(colon + 1))));
        }
        if (a.get("--exporters") != null) {
            Map<String, Map<String, String>> exporters = new LinkedHashMap<>();
            for (String e : a.get("--exporters").split(",")) {
                if (!e.isBlank()) {
                    exporters.put(e.trim(), Map.of());
                }
            }
            b.exporters(exporters);
        }
        return b.build();
    }

    static void print(PrintStream out, AnalysisResult r, Path outDir) {
        long converged = r.trajectories().stream().filter(Trajectory::converged).count();
        long diverged = r.trajectories().stream().filter(Trajectory::diverged).count();
        int n = r.trajectories().size();
        out.printf(Locale.ROOT, "Model '%s', %d seeds (%s), strategy %s %s, clusterer %s %s%n", r.model().name(), n,
                r.seedOrigin(), r.strategy(), r.strategyParams().values(), r.clusterer(), r.clustererParams().values());
        out.printf(Locale.ROOT, "%d converged, %d diverged, %d not converged, in %.1f s%n", converged, diverged,
                n - converged - diverged, r.elapsedMillis() / 1000.0);
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

    /** Progress on the terminal: one rewritten line on a console, a line per stage otherwise. */
    static final class ProgressDisplay {
        private final PrintStream err;
        private final boolean quiet;
        private final boolean console = System.console() != null;
        private String lastStage = "";
        private String lastMessage = "";

        ProgressDisplay(PrintStream err, boolean quiet) {
            this.err = err;
            this.quiet = quiet;
        }

        private long lastShown;

        /** Called for every step of the job: prints a new stage or message at once, counts at most 10 times a second. */
        synchronized void show(JobProgress p) {
            if (quiet) {
                return;
            }
            long now = System.nanoTime();
            boolean news = !p.stage().equals(lastStage) || !p.message().equals(lastMessage);
            if (!news && now - lastShown < 100_000_000L) {
                return;
            }
            lastShown = now;
            String what = p.stage() + ": " + p.message() + (p.total() > 0 ? String.format(" %d/%d", p.done(), p.total())
                    : p.done() > 0 ? String.format(Locale.ROOT, " (%,d seed-steps)", p.done()) : "");
            if (console) {
                err.print("\r" + String.format("%-100.100s", what));
                err.flush();
            } else if ((!p.stage().equals(lastStage) || !p.message().equals(lastMessage)) && !p.message().isEmpty()) {
                err.println(p.stage() + ": " + p.message());
            }
            lastStage = p.stage();
            lastMessage = p.message();
        }

        synchronized void done() {
            if (!quiet && console) {
                err.println();
            }
        }
    }
}
