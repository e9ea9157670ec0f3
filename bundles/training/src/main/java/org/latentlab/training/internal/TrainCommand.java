package org.latentlab.training.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.latentlab.api.Catalog;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.data.DataSet;
import org.latentlab.api.training.AutoencoderTraining;
import org.latentlab.api.training.TrainingConfig;
import org.latentlab.api.training.TrainingResult;
import org.latentlab.io.OutputFolder;
import org.latentlab.launcher.spi.Subcommand;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code latentlab train}: trains an autoencoder on a registered data set and writes a model folder. */
@Component(property = {Subcommand.NAME + "=train",
        Subcommand.SUMMARY + "=train an MLP or convolutional autoencoder on a data set (libtorch, in-process)"})
public class TrainCommand implements Subcommand {

    static final String HELP = """
            Usage: latentlab train --out DIR [options]

              --out DIR           the model folder to write: a new or empty folder, or an earlier model folder
                                  written by 'train' (its files are replaced); any other folder is refused

              --dataset ID        data set (default mnist; see 'latentlab services --kind dataset')
              --architecture A    mlp (default) or conv
              --latent K          latent dimension (default 16)
              --hidden LIST       MLP widths or conv channels, e.g. 512,128 (default) or 16,32
              --activation F      relu (default), tanh, sigmoid, leaky-relu, gelu
              --init I            kaiming-uniform (default), xavier-normal, normal
              --weight-decay W    L2 penalty (default 1e-5)
              --input-noise S     Gaussian noise added to inputs while training (default 0)
              --mask P            fraction of input values zeroed while training (default 0)
              --train-size N      training examples (default 10000)
              --epochs E          (default 12)   --batch B (default 128)   --lr R (default 1e-3)
              --seed S            same seed, same model (default 0)
              --name NAME         model name in model.json (default: the folder name)
            """;

    @Reference
    AutoencoderTraining training;

    @Reference
    Catalog catalog;

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(HELP);
            return 0;
        }
        TrainingConfig d = TrainingConfig.defaults();
        String dataset = "mnist";
        String outDir = null;
        String name = null;
        String arch = d.architecture();
        String activation = d.activation();
        String init = d.init();
        int latent = d.latentDim();
        int[] hidden = d.hidden();
        double wd = d.weightDecay();
        double noise = d.inputNoise();
        double mask = d.maskFraction();
        int trainSize = d.trainSize();
        int epochs = d.epochs();
        int batch = d.batchSize();
        double lr = d.learningRate();
        long seed = d.seed();
        TrainingConfig config;
        try {
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (!a.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument '" + a + "'");
                }
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args.get(++i);
                switch (a) {
                    case "--dataset" -> dataset = v;
                    case "--out" -> outDir = v;
                    case "--name" -> name = v;
                    case "--architecture" -> arch = v;
                    case "--latent" -> latent = whole(a, v);
                    case "--hidden" -> {
                        String[] parts = v.split(",", -1);
                        hidden = new int[parts.length];
                        for (int j = 0; j < parts.length; j++) {
                            hidden[j] = whole(a, parts[j].trim());
                        }
                    }
                    case "--activation" -> activation = v;
                    case "--init" -> init = v;
                    case "--weight-decay" -> wd = real(a, v);
                    case "--input-noise" -> noise = real(a, v);
                    case "--mask" -> mask = real(a, v);
                    case "--train-size" -> trainSize = whole(a, v);
                    case "--epochs" -> epochs = whole(a, v);
                    case "--batch" -> batch = whole(a, v);
                    case "--lr" -> lr = real(a, v);
                    case "--seed" -> {
                        try {
                            seed = Long.parseLong(v.trim());
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--seed '" + v + "' is not a whole number");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (outDir == null) {
                throw new IllegalArgumentException("--out DIR is required");
            }
            if (name != null && name.isBlank()) {
                throw new IllegalArgumentException("--name must not be empty");
            }
            config = new TrainingConfig(arch, latent, hidden, activation, init, wd, noise, mask, trainSize, epochs, batch, lr,
                    seed);
            config.validate();
        } catch (IllegalArgumentException e) {
            err.println("train: " + e.getMessage() + "\n");
            err.print(HELP);
            return 2;
        }
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
                    new ProgressBar(err));
            out.printf(Locale.ROOT, "Trained %s in %.1f s; loss per epoch %s%nModel folder: %s%n", config.key(),
                    r.millis() / 1000.0, r.epochLosses().stream().map(v -> String.format(Locale.ROOT, "%.4f", v)).toList(),
                    r.modelFolder());
            return 0;
        } catch (LatentLabException e) {
            err.println("train: " + e.getMessage());
            return 1;
        }
    }

    private static int whole(String option, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + v + "' is not a whole number");
        }
    }

    /** A finite real number: "NaN" and "Infinity" are refused here, ranges by {@link TrainingConfig#validate()}. */
    private static double real(String option, String v) {
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + v + "' is not a number");
        }
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException(option + " " + v + ": must be a finite number");
        }
        return d;
    }
}
