package org.latentlab.datasets.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.data.DataSet;
import org.latentlab.io.Idx;

/**
 * A data set of IDX image / label files kept in the data folder ({@code $LATENTLAB_HOME/datasets/ID}),
 * each file checked against its MD5 before first use. Subclasses say how to fetch missing files.
 */
abstract class IdxDataSet implements DataSet {

    /** One split: its image and label files. */
    record Split(String images, String labels) {}

    private volatile Path dir;
    private volatile boolean verified;

    /** File name to MD5 (hex) of every file the data set needs. */
    abstract Map<String, String> checksums();

    /** File name suffix: "" for plain IDX files, ".gz" for gzipped ones. */
    abstract String suffix();

    /** The MNIST file layout, shared by MNIST and Fashion-MNIST. */
    Map<String, Split> files() {
        Map<String, Split> m = new java.util.LinkedHashMap<>();
        m.put("train", new Split("train-images-idx3-ubyte" + suffix(), "train-labels-idx1-ubyte" + suffix()));
        m.put("test", new Split("t10k-images-idx3-ubyte" + suffix(), "t10k-labels-idx1-ubyte" + suffix()));
        return m;
    }

    /** DATA/datasets/NAME, DATA from the framework property latentlab.home. */
    void activate(org.osgi.framework.BundleContext ctx) {
        String home = ctx.getProperty("latentlab.home");
        setDirectory(Path.of(home == null ? System.getProperty("user.home") + "/.latentlab" : home, "datasets", name()));
    }

    /** Puts the files into {@code dir} (or throws a {@link LatentLabException} saying how to get them). */
    abstract void fetch(Path dir) throws IOException;

    abstract String name();

    void setDirectory(Path dir) {
        this.dir = dir;
        this.verified = false;
    }

    Path directory() {
        return dir;
    }

    @Override
    public List<String> splits() {
        return List.copyOf(files().keySet());
    }

    @Override
    public int[] inputShape() {
        return new int[] {1, 28, 28};
    }

    @Override
    public Tensor load(String split, int limit) {
        Split s = split(split);
        try {
            return Idx.images(ready().resolve(s.images()), limit);
        } catch (IOException e) {
            throw new LatentLabException(name() + ": " + org.latentlab.io.IoErrors.describe(e), e);
        }
    }

    @Override
    public int[] labels(String split, int limit) {
        Split s = split(split);
        try {
            return Idx.labels(ready().resolve(s.labels()), limit);
        } catch (IOException e) {
            throw new LatentLabException(name() + ": " + org.latentlab.io.IoErrors.describe(e), e);
        }
    }

    private Split split(String split) {
        Split s = files().get(split);
        if (s == null) {
            throw new LatentLabException(name() + " has no split '" + split + "'; it has " + files().keySet());
        }
        return s;
    }

    /** The folder with all files present and verified, fetching them on first use. */
    synchronized Path ready() {
        Path d = dir;
        if (verified) {
            return d;
        }
        try {
            if (!checksums().keySet().stream().allMatch(f -> Files.isRegularFile(d.resolve(f)))) {
                Files.createDirectories(d);
                fetch(d);
            }
            for (Map.Entry<String, String> e : checksums().entrySet()) {
                Path f = d.resolve(e.getKey());
                if (!Files.isRegularFile(f)) {
                    throw new LatentLabException(name() + ": " + f + " is missing after fetching");
                }
                String md5 = md5(f);
                if (!md5.equals(e.getValue())) {
                    throw new LatentLabException(name() + ": " + f + " has MD5 " + md5 + ", expected " + e.getValue()
                            + "; delete " + d + " to fetch it again");
                }
            }
            verified = true;
            return d;
        } catch (IOException e) {
            throw new LatentLabException(name() + ": cannot prepare " + d + ": " + org.latentlab.io.IoErrors.describe(e), e);
        }
    }

    static String md5(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("MD5");
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
