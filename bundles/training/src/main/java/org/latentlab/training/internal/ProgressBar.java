package org.latentlab.training.internal;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;
import org.latentlab.api.training.AutoencoderTraining;

/** A training progress bar with the running loss: redrawn in place on a terminal, a line per epoch otherwise. */
public final class ProgressBar implements Consumer<AutoencoderTraining.Progress> {

    private final PrintStream err;
    private final boolean console = System.console() != null;
    private long last;

    public ProgressBar(PrintStream err) {
        this.err = err;
    }

    @Override
    public void accept(AutoencoderTraining.Progress p) {
        boolean epochDone = p.step() == p.steps();
        long now = System.nanoTime();
        if (console && (epochDone || now - last > 100_000_000L)) {
            last = now;
            int width = 30;
            int filled = (int) Math.round(width * (double) p.step() / p.steps());
            err.printf(Locale.ROOT, "\repoch %d/%d [%s%s] loss %.5f", p.epoch(), p.epochs(), "#".repeat(filled),
                    ".".repeat(width - filled), p.loss());
            if (epochDone) {
                err.println();
            }
            err.flush();
        } else if (!console && epochDone) {
            err.printf(Locale.ROOT, "epoch %d/%d loss %.5f%n", p.epoch(), p.epochs(), p.loss());
        }
    }
}
