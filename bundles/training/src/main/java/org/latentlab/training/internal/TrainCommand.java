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
import org.latentlab.launcher.spi.Subcommand;
import org.latentlab.training.AutoencoderTraining;
import org.latentlab.training.TrainingConfig;
import org.latentlab.training.TrainingResult;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code latentlab train}: trains an autoencoder on a registered data set and writes a model folder. */
@Component(property = {Subcommand.NAME + "=train",
        Subcommand.SUMMARY + "=train an MLP or convolutional autoencoder on a data set (libtorch, in-process)"})
public class TrainCommand implements Subcommand {

    static final String HELP = """
            Usage: latentlab train --out DIR [options]

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
        try {
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args.get(++i);
                switch (a) {
                    case "--dataset" -> dataset = v;
                    case "--out" -> outDir = v;
                    case "--name" -> name = v;
                    case "--architecture" -> arch = v;
                    case "--latent" -> latent = Integer.parseInt(v);
                    case "--hidden" -> hidden = Arrays.stream(v.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
                    case "--activation" -> activation = v;
                    case "--init" -> init = v;
                    case "--weight-decay" -> wd = Double.parseDouble(v);
                    case "--input-noise" -> noise = Double.parseDouble(v);
                    case "--mask" -> mask = Double.parseDouble(v);
                    case "--train-size" -> trainSize = Integer.parseInt(v);
                    case "--epochs" -> epochs = Integer.parseInt(v);
                    case "--batch" -> batch = Integer.parseInt(v);
                    case "--lr" -> lr = Double.parseDouble(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (outDir == null) {
                throw new IllegalArgumentException("--out DIR is required");
            }
            if (latent < 1 || hidden.length == 0 || epochs < 1 || batch < 1 || trainSize < 1 || !(lr > 0)
                    || mask < 0 || mask >= 1 || noise < 0 || wd < 0) {
                throw new IllegalArgumentException("out of range: need latent, epochs, batch, train-size >= 1, lr > 0, "
                        + "0 <= mask < 1, noise and weight decay >= 0");
            }
        } catch (IllegalArgumentException e) {
            err.println("train: " + e.getMessage() + "\n");
            err.print(HELP);
            return 2;
        }
        TrainingConfig config = new TrainingConfig(arch, latent, hidden, activation, init, wd, noise, mask, trainSize, epochs,
                batch, lr, seed);
        Path target = Path.of(outDir).toAbsolutePath();
        try {
            DataSet ds = catalog.require(DataSet.class, dataset);
            err.println("train: loading " + dataset + " (train split, " + trainSize + " examples)");
            Tensor x = ds.load("train", trainSize);
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
}
