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
 * {@code latentlab analyze-part --part FILE --out DIR}: one seed part of an analysis (the JSON a Spark task carries) iterated
 * by this lab's {@code local} part executor, the engine's own loop, into DIR as per-seed {@code .npy} columns and
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
        @Option(names = "--exit-with-stdin", description = "stop when standard input ends (the process that started this one died)")
        boolean exitWithStdin;
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
        if (input == null || input.modelFolder() == null || input.strategy() == null || input.seeds() == null) {
            throw new CommandLines.BadUsage("--part " + o.part + ": not a seed part (modelFolder, strategy and seeds are required)");
        }
        SeedPartExecutor.PartJob job = input.job(o.out);
        SeedPartExecutor.SeedPart part = job.parts().get(0);
        if (!job.folder(part).equals(o.out.toAbsolutePath())) {
            throw new CommandLines.BadUsage("--out " + o.out + ": part " + part.index() + " goes into a folder named " + part.name());
        }
        boolean[] cancelled = {false};
        if (o.exitWithStdin) {
            Thread watch = new Thread(() -> {
                try {
                    while (stdin.read() >= 0) {
                        // nothing is sent: only the end matters
                    }
                } catch (IOException e) {
                    // the same as the end
                }
                cancelled[0] = true;
            }, "latentlab-analyze-part-stdin");
            watch.setDaemon(true);
            watch.start();
        }
        String[] failure = {null};
        long t0 = System.nanoTime();
        try {
            local.execute(job, Parameters.resolve("executor 'local'", local.parameters(), Map.of()), new SeedPartExecutor.Listener() {
                public void finished(SeedPartExecutor.SeedPart p) {}

                public void failed(SeedPartExecutor.SeedPart p, String reason) {
                    failure[0] = reason;
                }

                public boolean cancelled() {
                    return cancelled[0];
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
            err.println(PartRun.SUBCOMMAND + ": part " + part.name() + (cancelled[0] ? " cancelled: the process that started it ended"
                    : " was not written"));
            return 1;
        }
        out.printf(Locale.ROOT, "part %s: seeds %d-%d in %.1f s%n", part.name(), part.from(), part.from() + part.count() - 1,
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
