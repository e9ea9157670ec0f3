package org.latentlab.cli.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentlab.api.engine.AnalysisRequest;
import org.latentlab.api.engine.SeedSpec;
import org.latentlab.api.engine.TrainingData;
import org.latentlab.launcher.spi.CommandLines;
import org.latentlab.launcher.spi.CommandLines.BadUsage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of {@code latentlab analyze}; {@link #request()} turns them into an {@link AnalysisRequest}. */
@Command(name = "latentlab analyze", sortOptions = false,
        customSynopsis = {"latentlab analyze --model DIR (--seeds FILE.npy | --inputs FILE.npy | --noise N | --seed-source ID)",
            "                         --out DIR [options]",
            "latentlab analyze ... --out DIR --spark MASTER [--spark-conf KEY=VALUE]... [--partitions N]"},
        description = "Finds the attractors of a model's latent map z <- E(D(z)) from given or generated seeds.",
        footer = {"", "Parameters of every strategy, clusterer and metric: latentlab services --params"})
final class AnalyzeOptions {

    @Mixin
    CommandLines.Help help;

    @Option(names = "--model", paramLabel = "DIR", description = "the model folder (model.json and the encoder/decoder files)")
    Path model;

    // seeds: exactly one of the four
    @Option(names = "--seeds", paramLabel = "FILE.npy", description = "Seeds (give one of these four): latent seeds, float32 [n, latentDim]")
    Path seeds;
    @Option(names = "--inputs", paramLabel = "FILE.npy", description = "inputs [n, ...inputShape], encoded first")
    Path inputs;
    @Option(names = "--noise", paramLabel = "N", description = "N Gaussian latent seeds")
    String noise;
    @Option(names = "--noise-sigma", paramLabel = "S", defaultValue = "1", description = "their standard deviation (default ${DEFAULT-VALUE})")
    String noiseSigma;
    @Option(names = "--random-seed", paramLabel = "R", defaultValue = "0", description = "their random seed (default ${DEFAULT-VALUE})")
    String randomSeed;
    @Option(names = "--seed-source", paramLabel = "ID", description = "any registered seed source (see 'latentlab services --kind seeds')")
    String seedSource;
    @Option(names = "--seed-param", paramLabel = "K=V[,K=V]", description = "parameters of the seed source (repeatable)")
    List<String> seedParams = new ArrayList<>();

    // method
    @Option(names = "--strategy", paramLabel = "ID", description = "Method: the iteration strategy (default "
            + AnalysisRequest.DEFAULT_STRATEGY + ": the paper's z <- f(z))")
    String strategy;
    @Option(names = "--strategy-param", paramLabel = "K=V", description = "e.g. tolerance=1e-5,maxSteps=500 (repeatable)")
    List<String> strategyParams = new ArrayList<>();
    @Option(names = "--clusterer", paramLabel = "ID", description = "the merge rule (default " + AnalysisRequest.DEFAULT_CLUSTERER
            + ": the paper's cos > 0.99)")
    String clusterer;
    @Option(names = "--clusterer-param", paramLabel = "K=V", description = "e.g. threshold=0.995 (repeatable)")
    List<String> clustererParams = new ArrayList<>();
    @Option(names = "--metric", paramLabel = "ID[:K=V,...]", description = "a metric to run (repeatable), e.g. memorization, latent-field")
    List<String> metrics = new ArrayList<>();
    @Option(names = "--training", paramLabel = "D[:S[:N]]", description = "the model's training inputs, for memorization (e.g. mnist:train:10000)")
    String training;
    @Option(names = "--exporters", paramLabel = "LIST", description = "default json,npy,csv,html (report.html; pictures with --metric"
            + " memorization and --metric latent-field)")
    String exporters;
    @Option(names = "--all-trajectories", description = "list every seed's record in result.json and trajectories.csv also when"
            + " the run has more seeds than the engine keeps in memory (inMemorySeeds, default 100,000); the per-seed .npy files"
            + " hold them either way")
    boolean allTrajectories;

    // where the seeds are iterated
    @Option(names = "--spark", paramLabel = "MASTER", description = "Where: iterate the seeds as Spark tasks on MASTER: local[N], "
            + "spark://HOST:PORT, yarn (the same as --executor spark --executor-param master=MASTER; the workers must read the"
            + " model and the output folder at the same paths: docs/distributed.md)")
    String spark;
    @Option(names = "--spark-conf", paramLabel = "KEY=VALUE", description = "a Spark setting for --spark (repeatable), e.g. "
            + "spark.executor.memory=4g")
    List<String> sparkConf = new ArrayList<>();
    @Option(names = "--partitions", paramLabel = "N", description = "parts the seeds are split into, one task each (default: at "
            + "least 2, about inMemorySeeds seeds each, whole chunks)")
    String partitions;
    @Option(names = "--executor", paramLabel = "ID", description = "where the seeds are iterated (default local: this lab; spark)")
    String executor;
    @Option(names = "--executor-param", paramLabel = "KEY=VALUE", description = "a parameter of the executor (repeatable); "
            + "'latentlab services --kind part-executor --params' lists them")
    List<String> executorParams = new ArrayList<>();

    // output
    @Option(names = "--out", paramLabel = "DIR", description = "Output: result.json, attractors.npy, endpoints.npy, labels.npy and the other per-seed .npy files, *.csv,"
            + " report.html; a new or empty folder, or an earlier analysis output (its files are replaced, files of yours in it"
            + " stay); any other folder is refused")
    Path out;
    @Option(names = "--quiet", description = "no progress display")
    boolean quiet;

    /** The request these options describe, with the builder's defaults for what they leave out. */
    AnalysisRequest request() {
        if (model == null) {
            throw new BadUsage("--model DIR is required");
        }
        if (out == null) {
            throw new BadUsage("--out DIR is required");
        }
        int given = (seeds != null ? 1 : 0) + (inputs != null ? 1 : 0) + (noise != null ? 1 : 0) + (seedSource != null ? 1 : 0);
        if (given != 1) {
            throw new BadUsage("give exactly one of --seeds, --inputs, --noise, --seed-source");
        }
        SeedSpec seedSpec;
        if (seeds != null) {
            seedSpec = SeedSpec.latents(seeds);
        } else if (inputs != null) {
            seedSpec = SeedSpec.inputs(inputs);
        } else if (noise != null) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("count", noise);
            p.put("sigma", noiseSigma);
            p.put("seed", randomSeed);
            seedSpec = SeedSpec.source("gaussian", p);
        } else {
            seedSpec = SeedSpec.source(seedSource, KeyValues.parse(seedParams));
        }
        AnalysisRequest.Builder b = AnalysisRequest.builder().model(model).out(out).seeds(seedSpec)
                .strategy(strategy, KeyValues.parse(strategyParams))
                .clusterer(clusterer, KeyValues.parse(clustererParams))
                .training(training == null ? null : TrainingData.parse(training));
        for (String m : metrics) {
            int colon = m.indexOf(':');
            b.metric(colon < 0 ? m : m.substring(0, colon), colon < 0 ? Map.of() : KeyValues.parse(List.of(m.substring(colon + 1))));
        }
        executor(b);
        if (exporters != null || allTrajectories) {
            Map<String, Map<String, String>> ex = new LinkedHashMap<>();
            for (String e : exporters == null ? AnalysisRequest.DEFAULT_EXPORTERS : List.of(exporters.split(","))) {
                if (!e.isBlank()) {
                    boolean lists = allTrajectories && (e.trim().equals("json") || e.trim().equals("csv"));
                    ex.put(e.trim(), lists ? Map.of("allTrajectories", "true") : Map.of());
                }
            }
            b.exporters(ex);
        }
        return b.build();
    }

    static final String SPARK = "spark";

    /** --spark, --spark-conf, --executor, --executor-param and --partitions, checked as the sweep's are. */
    private void executor(AnalysisRequest.Builder b) {
        org.latentlab.launcher.spi.ExecutorOptions chosen = org.latentlab.launcher.spi.ExecutorOptions.of(executor, executorParams,
                spark, sparkConf, "iterates the seeds on the spark executor");
        String id = chosen.id();
        Map<String, String> params = chosen.params();
        boolean elsewhere = id != null && !id.equals(org.latentlab.api.engine.SeedPartExecutor.LOCAL);
        if (!params.isEmpty() && !elsewhere) {
            throw new BadUsage("--executor-param is for an executor that iterates elsewhere (--executor spark or --spark MASTER)");
        }
        int parts = 0;
        if (partitions != null) {
            try {
                parts = Integer.parseInt(partitions.strip());
            } catch (NumberFormatException e) {
                parts = -1;
            }
            if (parts < 1) {
                throw new BadUsage("--partitions " + partitions + ": give a whole number of parts, 1 or more");
            }
            if (!elsewhere) {
                throw new BadUsage("--partitions splits the seeds for --spark MASTER (or --executor spark); this lab iterates them in "
                        + "parts of its own (inMemorySeeds)");
            }
        }
        b.executor(id, params).partitions(parts);
    }
}
