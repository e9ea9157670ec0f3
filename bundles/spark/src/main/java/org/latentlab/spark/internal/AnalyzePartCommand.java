package org.latentlab.spark.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Map;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Parameters;
import org.latentlab.api.engine.SeedPartExecutor;
import org.latentlab.io.IoErrors;
import org.latentlab.launcher.spi.CommandLines;
import org.latentlab.launcher.spi.Subcommand;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code latentlab analyze-part --part FILE --out DIR --seeds FILE [--model DIR]}: one seed part of an analysis (the JSON
 * a Spark task carries, its seeds in FILE, the model in DIR when it was shipped) iterated by this lab's {@code local} part executor, the engine's own loop, into DIR as per-seed {@code .npy} columns and
 * {@code part.json}. What a Spark task runs on its worker; hidden from {@code latentlab --help}. Exit 0 when DIR holds the
 * whole part, 1 when it failed or was cancelled, 2 for bad usage.
 */
@Component(property = {Subcommand.NAME + "=" + PartRun.SUBCOMMAND, Subcommand.HIDDEN + "=true",
        Subcommand.SUMMARY + "=(internal) iterate one seed part of an analysis into a folder: what a Spark task runs"})
public class AnalyzePartCommand implements Subcommand {

    static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Reference(target = "(latentlab.id=" + SeedPartExecutor.LOCAL + ")")
    SeedPartExecutor local;
    /** Standard input of this process, watched with --exit-with-stdin (tests replace it). */
    InputStream stdin = System.in;

    @Command(name = "latentlab analyze-part", sortOptions = false, description = "Iterates one seed part of an analysis into a "
            + "folder, as a Spark task does on its worker (docs/distributed.md).")
    static final class Options {
        @Mixin
        CommandLines.Help help;
        @Option(names = "--part", paramLabel = "FILE", required = true, description = "the part as JSON")
        Path part;
        @Option(names = "--out", paramLabel = "DIR", required = true, description = "the part's folder")
        Path out;
        @Option(names = "--seeds", paramLabel = "FILE", description = "the part's seeds, float32 [count, k] (.npy): "
                + "a file of the task's own, written from the bytes that came with it")
        Path seeds;
        @Option(names = "--model", paramLabel = "DIR", description = "the model folder, when it was shipped (unpacked on this "
                + "executor); default: the part's modelFolder")
        Path model;
        @Mixin
        TaskOptions task;
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        Options o = new Options();
        return CommandLines.run(PartRun.SUBCOMMAND, o, argv, out, err, () -> runPart(o, out, err));
    }

    private int runPart(Options o, PrintStream out, PrintStream err) throws InterruptedException {
        PartInput input;
        try {
            input = JSON.readValue(o.part.toFile(), PartInput.class);
        } catch (IOException e) {
            throw new CommandLines.BadUsage("--part " + o.part + ": not a seed part: " + IoErrors.describe(e));
        }
        if (input == null || input.strategy() == null || input.count() <= 0) {
            throw new CommandLines.BadUsage("--part " + o.part + ": not a seed part (strategy and count are required)");
        }
        if (input.modelFolder() == null && o.model == null) {
            throw new CommandLines.BadUsage("--part " + o.part + " names no model folder: give --model DIR");
        }
        if (o.seeds == null) { // checked after --part (not by picocli): what is not a part is refused as such first
            throw new CommandLines.BadUsage("--seeds FILE is required: the part's seeds");
        }
        if (!Files.isRegularFile(o.seeds)) {
            throw new CommandLines.BadUsage("--seeds " + o.seeds + ": no such file");
        }
        SeedPartExecutor.PartJob job = input.job(o.out, o.seeds, o.model);
        SeedPartExecutor.SeedPart part = job.parts().get(0);
        if (!job.folder(part).equals(o.out.toAbsolutePath())) {
            throw new CommandLines.BadUsage("--out " + o.out + ": part " + part.index() + " goes into a folder named " + part.name());
        }
        AtomicBoolean cancelled = o.task.cancelled(stdin, "latentlab-analyze-part-stdin");
        String[] failure = {null};
        long t0 = System.nanoTime();
        try {
            local.execute(job, Parameters.resolve("executor 'local'", local.parameters(), Map.of()), new SeedPartExecutor.Listener() {
                public void finished(SeedPartExecutor.SeedPart p) {}

                public void failed(SeedPartExecutor.SeedPart p, String reason) {
                    failure[0] = reason;
                }

                public boolean cancelled() {
                    return cancelled.get();
                }
            });
        } catch (LatentLabException e) {
            failure[0] = e.getMessage();
        }
        if (failure[0] != null) {
            err.println(PartRun.SUBCOMMAND + ": part " + part.name() + ": " + failure[0]);
            return 1;
        }
        if (!Files.isRegularFile(o.out.resolve(SeedPartExecutor.DONE_FILE))) {
            err.println(PartRun.SUBCOMMAND + ": part " + part.name() + (cancelled.get() ? " cancelled: the process that started it ended"
                    : " was not written"));
            return 1;
        }
        out.printf(Locale.ROOT, "part %s: seeds %d-%d in %.1f s%n", part.name(), part.from(), part.from() + part.count() - 1,
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
