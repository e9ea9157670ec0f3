package org.latentlab.training.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.data.DataSet;
import org.latentlab.api.training.AutoencoderTraining;
import org.latentlab.api.training.TrainingConfig;
import org.latentlab.api.training.TrainingResult;
import org.latentlab.io.OutputFolder;
import org.latentlab.launcher.spi.CommandLines;
import org.latentlab.launcher.spi.CommandLines.BadUsage;
import org.latentlab.launcher.spi.ProgressPrinter;
import org.latentlab.launcher.spi.Subcommand;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code latentlab train}: trains an autoencoder on a registered data set and writes a model folder. */
@Component(property = {Subcommand.NAME + "=train",
        Subcommand.SUMMARY + "=train an MLP or convolutional autoencoder on a data set (libtorch, in-process)"})
public class TrainCommand implements Subcommand {

    /** The options of {@code latentlab train}; fields start at {@link TrainingConfig#defaults()}. */
    @Command(name = "latentlab train", sortOptions = false, customSynopsis = "latentlab train --out DIR [options]",
            description = "Trains an autoencoder on a registered data set (libtorch, in-process) and writes a model folder.")
    static final class Options {
        private static final TrainingConfig D = TrainingConfig.defaults();

        @Mixin
        CommandLines.Help help;
        @Option(names = "--out", paramLabel = "DIR", description = "the model folder to write: a new or empty folder, or an earlier"
                + " model folder written by 'train' (its files are replaced); any other folder is refused")
        String out;
        @Option(names = "--dataset", paramLabel = "ID", description = "data set (default ${DEFAULT-VALUE}; see 'latentlab services --kind dataset')")
        String dataset = "mnist";
        @Option(names = "--architecture", paramLabel = "A", description = "mlp (default) or conv")
        String architecture = D.architecture();
        @Option(names = "--latent", paramLabel = "K", description = "latent dimension (default ${DEFAULT-VALUE})")
        int latent = D.latentDim();
        @Option(names = "--hidden", paramLabel = "LIST", description = "MLP widths or conv channels, e.g. 512,128 (default) or 16,32")
        String hidden;
        @Option(names = "--activation", paramLabel = "F", description = "relu (default), tanh, sigmoid, leaky-relu, gelu")
        String activation = D.activation();
        @Option(names = "--init", paramLabel = "I", description = "kaiming-uniform (default), xavier-normal, normal")
        String init = D.init();
        @Option(names = "--init-scale", paramLabel = "X", description = "every initial weight times X (default ${DEFAULT-VALUE})")
        double initScale = D.initScale();
        @Option(names = "--weight-decay", paramLabel = "W", description = "L2 penalty (default ${DEFAULT-VALUE})")
        double weightDecay = D.weightDecay();
        @Option(names = "--input-noise", paramLabel = "S", description = "Gaussian noise added to inputs while training (default ${DEFAULT-VALUE})")
        double inputNoise = D.inputNoise();
        @Option(names = "--mask", paramLabel = "P", description = "fraction of input values zeroed while training (default ${DEFAULT-VALUE})")
        double mask = D.maskFraction();
        @Option(names = "--shift", paramLabel = "N", description = "shift augmentation: training images moved by up to N pixels"
                + " along each axis, gap filled with 0 (default ${DEFAULT-VALUE}; image data only)")
        int shift = D.shift();
        @Option(names = "--train-size", paramLabel = "N", description = "training examples (default ${DEFAULT-VALUE})")
        int trainSize = D.trainSize();
        @Option(names = "--epochs", paramLabel = "E", description = "passes over the training examples (default ${DEFAULT-VALUE})")
        int epochs = D.epochs();
        @Option(names = "--steps", paramLabel = "N", description = "train exactly N optimiser steps instead of --epochs passes;"
                + " the last pass may be partial (default ${DEFAULT-VALUE} = by --epochs)")
        int steps = D.steps();
        @Option(names = "--batch", paramLabel = "B", description = "(default ${DEFAULT-VALUE})")
        int batch = D.batchSize();
        @Option(names = "--lr", paramLabel = "R", description = "learning rate (default ${DEFAULT-VALUE})")
        double lr = D.learningRate();
        @Option(names = "--seed", paramLabel = "S", description = "same seed, same model (default ${DEFAULT-VALUE})")
        long seed = D.seed();
        @Option(names = "--name", paramLabel = "NAME", description = "model name in model.json (default: the folder name)")
        String name;

        /** The training configuration, checked; bad values are bad usage. */
        TrainingConfig config() {
            if (out == null) {
                throw new BadUsage("--out DIR is required");
            }
            if (name != null && name.isBlank()) {
                throw new BadUsage("--name must not be empty");
            }
            int[] widths = D.hidden();
            if (hidden != null) {
                String[] parts = hidden.split(",", -1);
                widths = new int[parts.length];
                for (int j = 0; j < parts.length; j++) {
                    try {
                        widths[j] = Integer.parseInt(parts[j].trim());
                    } catch (NumberFormatException e) {
                        throw new BadUsage("--hidden '" + parts[j] + "' is not a whole number");
                    }
                }
            }
            finite("--weight-decay", weightDecay);
            finite("--input-noise", inputNoise);
            finite("--mask", mask);
            finite("--lr", lr);
            finite("--init-scale", initScale);
            try {
                TrainingConfig c = new TrainingConfig(architecture, latent, widths, activation, init, weightDecay, inputNoise, mask,
                        trainSize, epochs, batch, lr, seed).with(initScale, shift, steps);
                c.validate();
                return c;
            } catch (IllegalArgumentException e) {
                throw new BadUsage(e.getMessage());
            }
        }

        /** "NaN" and "Infinity" parse as numbers: refused here, ranges by {@link TrainingConfig#validate()}. */
        private static void finite(String option, double v) {
            if (!Double.isFinite(v)) {
                throw new BadUsage(option + " " + v + ": must be a finite number");
            }
        }
    }

    @Reference
    AutoencoderTraining training;

    @Reference
    Catalog catalog;

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o = new Options();
        return CommandLines.run("train", o, args, out, err, () -> train(o, o.config(), out, err));
    }

    private int train(Options o, TrainingConfig config, PrintStream out, PrintStream err) {
        String dataset = o.dataset;
        int trainSize = config.trainSize();
        String name = o.name;
        String outDir = o.out;
        Path target = Path.of(outDir).toAbsolutePath().normalize();
        try {
            OutputFolder.check(target, OutputFolder.MODEL); // before loading data and training, not after
            DataSet ds = catalog.require(DataSet.class, dataset);
            err.println("train: loading " + dataset + " (train split, " + trainSize + " examples)");
            Tensor x = ds.load("train", trainSize);
            if (x.rows() < trainSize) {
                err.println("train: --train-size " + trainSize + ": " + dataset + "'s train split has " + x.rows()
                        + " examples; use --train-size " + x.rows() + " or less");
                return 2;
            }
            TrainingResult r = training.train(x, config, name == null ? target.getFileName().toString() : name, target,
                    new ProgressBar(ProgressPrinter.onTerminal(err)));
            out.printf(Locale.ROOT, "Trained %s in %.1f s; loss per epoch %s%nModel folder: %s%n", config.key(),
                    r.millis() / 1000.0, r.epochLosses().stream().map(v -> String.format(Locale.ROOT, "%.4f", v)).toList(),
                    r.modelFolder());
            return 0;
        } catch (LatentLabException e) {
            err.println("train: " + e.getMessage());
            return 1;
        }
    }
}
