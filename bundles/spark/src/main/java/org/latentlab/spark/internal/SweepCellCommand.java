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
import java.util.concurrent.CancellationException;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.sweep.CellResult;
import org.latentlab.api.sweep.SweepCell;
import org.latentlab.api.sweep.SweepCellRunner;
import org.latentlab.io.IoErrors;
import org.latentlab.launcher.spi.CommandLines;
import org.latentlab.launcher.spi.Subcommand;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code latentlab sweep-cell --cell FILE --out DIR}: one sweep cell, given as the JSON of a {@link SweepCell}, trained
 * and measured by this lab's {@link SweepCellRunner} into DIR, exactly as the local executor runs it. What a Spark task
 * runs on its worker; hidden from {@code latentlab --help}. Exit 0 when DIR holds the cell (done, or failed with its
 * error recorded: a result, not to be retried), 1 when it could not be written or was cancelled, 2 for bad usage.
 */
@Component(property = {Subcommand.NAME + "=sweep-cell", Subcommand.HIDDEN + "=true",
        Subcommand.SUMMARY + "=(internal) run one sweep cell from its JSON into a folder: what a Spark task runs"})
public class SweepCellCommand implements Subcommand {

    static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Reference
    SweepCellRunner runner;
    /** Standard input of this process, watched with --exit-with-stdin (tests replace it). */
    InputStream stdin = System.in;

    @Command(name = "latentlab sweep-cell", sortOptions = false, description = "Runs one sweep cell (the JSON of a SweepCell) "
            + "into a folder, as a Spark task does on its worker (docs/distributed.md).")
    static final class Options {
        @Mixin
        CommandLines.Help help;
        @Option(names = "--cell", paramLabel = "FILE", required = true, description = "the cell as JSON")
        Path cell;
        @Option(names = "--out", paramLabel = "DIR", required = true, description = "the cell's folder (new, or an earlier attempt's)")
        Path out;
        @Mixin
        TaskOptions task;
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        Options o = new Options();
        return CommandLines.run("sweep-cell", o, argv, out, err, () -> runCell(o, out, err));
    }

    private int runCell(Options o, PrintStream out, PrintStream err) {
        SweepCell cell;
        try {
            cell = JSON.readValue(o.cell.toFile(), SweepCell.class);
        } catch (IOException e) {
            throw new CommandLines.BadUsage("--cell " + o.cell + ": not a sweep cell: " + IoErrors.describe(e));
        }
        if (cell == null || cell.id() == null || cell.training() == null || cell.analysis() == null) {
            throw new CommandLines.BadUsage("--cell " + o.cell + ": not a sweep cell (id, training and analysis are required)");
        }
        AtomicBoolean cancelled = o.task.cancelled(stdin, "latentlab-sweep-cell-stdin");
        long[] steps = {0};
        Progress progress = new Progress() {
            @Override
            public void advance(long units) {
                steps[0] += units;
            }

            @Override
            public boolean cancelled() {
                return cancelled.get();
            }
        };
        long t0 = System.nanoTime();
        CellResult r;
        try {
            r = runner.run(cell, o.out, progress);
        } catch (CancellationException e) {
            err.println("sweep-cell: cell " + cell.id() + " cancelled: the process that started it ended");
            return 1;
        } catch (LatentLabException e) {
            err.println("sweep-cell: cell " + cell.id() + ": " + e.getMessage());
            return 1;
        }
        out.printf(Locale.ROOT, "cell %s %s in %.1f s%s%n", cell.id(), r.status() == CellResult.Status.DONE ? "done" : "failed",
                (System.nanoTime() - t0) / 1e9, r.error() == null ? "" : ": " + r.error());
        return Files.isRegularFile(o.out.resolve(SweepCellRunner.CELL_FILE)) ? 0 : 1;
    }
}
