package org.latentlab.experiments.sweep.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.experiment.ExperimentRequest;
import org.latentlab.io.IoErrors;
import org.latentlab.launcher.spi.CommandLines;
import org.latentlab.launcher.spi.CommandLines.BadUsage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options of {@code latentlab sweep}; {@link #request()} reads and checks the spec and makes the request. */
@Command(name = "latentlab sweep", sortOptions = false,
        customSynopsis = {"latentlab sweep SPEC.json|STUDY --out DIR [--parallel N] [--executor ID [--executor-param KEY=VALUE]...]",
            "latentlab sweep SPEC.json|STUDY --out DIR --spark MASTER [--spark-conf KEY=VALUE]...",
            "latentlab sweep --list | --show STUDY"},
        description = "Trains and analyses one autoencoder per cell of a grid of training recipes and reports memorization, "
                + "attractor counts and contraction as trends. A sweep killed and run again into the same --out runs only the "
                + "cells not yet finished.",
        footer = {"", "Built-in studies: " + "memorization, contraction, training-dynamics (latentlab sweep --show NAME prints one).",
            "Spec keys and every measure: docs/sweeps.md."})
final class SweepOptions {

    @Mixin
    CommandLines.Help help;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC", description = "a JSON spec file or a built-in study name")
    String spec;
    @Option(names = "--out", paramLabel = "DIR", description = "Output: sweep.json, sweep.csv, report.html, cells/; a new or "
            + "empty folder, or the folder of an earlier run of this sweep (finished cells are kept)")
    Path out;
    @Option(names = "--parallel", paramLabel = "N", description = "cells at once (default: the spec's 'parallel', else 1)")
    String parallel;
    @Option(names = "--executor", paramLabel = "ID", description = "where cells run (default local; spark: on Apache Spark)")
    String executor;
    @Option(names = "--executor-param", paramLabel = "KEY=VALUE", description = "a parameter of the executor (repeatable); "
            + "'latentlab services' lists them")
    List<String> executorParams = new ArrayList<>();
    @Option(names = "--spark", paramLabel = "MASTER", description = "run the cells as Spark tasks on MASTER: local[N], "
            + "spark://HOST:PORT, yarn, k8s://... (the same as --executor spark --executor-param master=MASTER; docs/distributed.md)")
    String spark;
    @Option(names = "--spark-conf", paramLabel = "KEY=VALUE", description = "a Spark setting for --spark (repeatable), "
            + "e.g. spark.executor.memory=4g")
    List<String> sparkConf = new ArrayList<>();
    @Option(names = "--list", description = "list the built-in studies")
    boolean list;
    @Option(names = "--show", paramLabel = "STUDY", description = "print a built-in study's spec (a start for your own)")
    String show;
    @Option(names = "--quiet", description = "no progress display")
    boolean quiet;

    /** The spec's JSON text: a built-in study's, or the file's. */
    String specText() {
        if (spec == null || spec.isBlank()) {
            throw new BadUsage("SPEC is required: a JSON spec file or one of " + String.join(", ", Studies.NAMES));
        }
        if (Studies.NAMES.contains(spec)) {
            return spec;
        }
        Path file = Path.of(spec);
        if (!Files.isRegularFile(file)) {
            throw new BadUsage("spec " + spec + (Files.exists(file) ? " is not a file" : " does not exist")
                    + "; give a JSON spec file or one of " + String.join(", ", Studies.NAMES));
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadUsage("cannot read spec " + spec + ": " + IoErrors.describe(e));
        }
    }

    ExperimentRequest request() {
        String text = specText();
        if (out == null) {
            throw new BadUsage("--out DIR is required");
        }
        try {
            Studies.resolve(text); // refuses unknown keys and bad values before anything is queued
        } catch (LatentLabException e) {
            throw new BadUsage((Studies.NAMES.contains(spec) ? "" : spec + ": ") + e.getMessage());
        }
        if (parallel != null) {
            try {
                if (Integer.parseInt(parallel) < 1) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new BadUsage("--parallel " + parallel + ": must be a whole number >= 1");
            }
        }
        org.latentlab.launcher.spi.ExecutorOptions chosen = org.latentlab.launcher.spi.ExecutorOptions.of(executor, executorParams,
                spark, sparkConf, "runs the cells on the spark executor");
        String executorId = chosen.id();
        Map<String, String> params = chosen.params();
        String paramsJson;
        try {
            paramsJson = params.isEmpty() ? null
                    : SweepFiles.JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(params);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return ExperimentRequest.builder(SweepExperiment.ID).out(out).param("spec", text).param("parallel", parallel)
                .param("executor", executorId).param("executorParams", paramsJson).build();
    }

    /** The executor id of the latentlab-spark bundle: the one word of the sweep that names it. */
    static final String SPARK = "spark";
}
