package org.latentlab.training.internal;

import java.util.Locale;
import java.util.function.Consumer;
import org.latentlab.launcher.spi.ProgressPrinter;
import org.latentlab.training.AutoencoderTraining;

/** Training progress: a bar with the running loss redrawn on a console, a line per epoch elsewhere. */
public final class ProgressBar implements Consumer<AutoencoderTraining.Progress> {

    private static final int WIDTH = 30;
    private final ProgressPrinter printer;

    public ProgressBar(ProgressPrinter printer) {
        this.printer = printer;
    }

    @Override
    public void accept(AutoencoderTraining.Progress p) {
        boolean epochDone = p.step() == p.steps();
        int filled = (int) Math.round(WIDTH * (double) p.step() / p.steps());
        String bar = String.format(Locale.ROOT, "epoch %d/%d [%s%s] loss %.5f", p.epoch(), p.epochs(), "#".repeat(filled),
                ".".repeat(WIDTH - filled), p.loss());
        if (epochDone) { // a stage of its own: never throttled, and the line stays
            printer.show("epoch " + p.epoch() + " done", bar,
                    String.format(Locale.ROOT, "epoch %d/%d loss %.5f", p.epoch(), p.epochs(), p.loss()));
            printer.endLine();
        } else {
            printer.show("epoch " + p.epoch(), bar, null);
        }
    }
}
