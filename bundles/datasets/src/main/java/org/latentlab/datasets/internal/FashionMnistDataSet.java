package org.latentlab.datasets.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.data.DataSet;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Fashion-MNIST (MIT licence) from the Debian package dataset-fashion-mnist, which installs the
 * gzipped IDX files under /usr/share/datasets/fashion-mnist. Copied into the data folder and
 * MD5-checked; when the package is missing it is installed with apt-get if this process may, else
 * the message says how.
 */
@Component(service = DataSet.class, property = {ServiceProperties.ID + "=fashion-mnist",
        ServiceProperties.DESCRIPTION + "=Fashion-MNIST, 60k train / 10k test, 1x28x28 in [0, 1] (Debian dataset-fashion-mnist)"})
public class FashionMnistDataSet extends IdxDataSet {

    static final Path SYSTEM_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** MD5 of the gzipped files as Debian's dataset-fashion-mnist 0.0~git20200523.55506a9-1 ships them. */
    private static final Map<String, String> MD5 = Map.of(
            "train-images-idx3-ubyte.gz", "cf8536b0aa1a6ac5fa3f23001093305c",
            "train-labels-idx1-ubyte.gz", "10bea18fdb374794d4bb42e356e600c9",
            "t10k-images-idx3-ubyte.gz", "f78720b4224f21cce2f2ccf2d7a94c9a",
            "t10k-labels-idx1-ubyte.gz", "0d30e22e447f3c33dab9ed536400ac01");

    @Activate
    @Override
    void activate(BundleContext ctx) {
        super.activate(ctx);
    }

    @Override
    String name() {
        return "fashion-mnist";
    }

    @Override
    Map<String, String> checksums() {
        return MD5;
    }

    @Override
    String suffix() {
        return ".gz";
    }

    @Override
    void fetch(Path dir) throws IOException {
        if (!MD5.keySet().stream().allMatch(f -> Files.isRegularFile(SYSTEM_DIR.resolve(f)))) {
            install();
        }
        for (String f : MD5.keySet()) {
            Path source = SYSTEM_DIR.resolve(f);
            org.latentlab.io.AtomicFile.write(dir.resolve(f), out -> Files.copy(source, out));
        }
    }

    private static void install() {
        String how = "install the Debian package: sudo apt-get install dataset-fashion-mnist";
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            throw new LatentLabException("fashion-mnist: " + SYSTEM_DIR + " is missing; " + how);
        }
        try {
            Process p = new ProcessBuilder(List.of("/usr/bin/apt-get", "install", "-y", "-q", "dataset-fashion-mnist"))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new LatentLabException("fashion-mnist: apt-get install dataset-fashion-mnist failed (run apt-get update "
                        + "first?): " + out.strip().lines().reduce((a, b) -> b).orElse(""));
            }
        } catch (IOException e) {
            throw new LatentLabException("fashion-mnist: cannot run apt-get: " + e.getMessage() + "; " + how);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LatentLabException("fashion-mnist: interrupted while installing");
        }
    }
}
