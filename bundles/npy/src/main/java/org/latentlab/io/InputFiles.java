package org.latentlab.io;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.latentlab.api.Tensor;
import org.latentlab.npy.Npy;

/**
 * Reads model inputs from a file or folder, by kind: {@code .npy}; IDX ({@code *-ubyte},
 * {@code .idx}, either gzipped); {@code .csv} (one example per row, numbers only, an optional
 * header line is skipped); a folder of {@code .png} images (sorted by name, all the same size,
 * grayscale as one channel, colour as three; values scaled to [0, 1]).
 */
public final class InputFiles {

    private InputFiles() {}

    /** Whether the path is a NumPy file (which callers can stream with {@link Npy#readRows} instead of {@link #read}). */
    public static boolean isNpy(Path p) {
        return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
    }

    public static Tensor read(Path p) throws IOException {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isDirectory(p)) {
            return pngFolder(p);
        }
        if (!Files.isRegularFile(p)) {
            throw new IOException(p + ": no such file or folder");
        }
        if (name.endsWith(".npy")) {
            Npy.FloatArray a = Npy.readFloats(p);
            return new Tensor(a.shape().length == 0 ? new int[] {1} : a.shape(), a.data());
        }
        if (name.endsWith(".csv")) {
            return csv(p);
        }
        if (name.contains("ubyte") || name.endsWith(".idx") || name.endsWith(".idx.gz")) {
            return Idx.images(p, -1);
        }
        throw new IOException(p + ": unknown input format; use .npy, .csv, IDX (*-ubyte[.gz]) or a folder of .png images");
    }

    static Tensor csv(Path p) throws IOException {
        List<float[]> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split("[,;\\s]+");
                float[] row = new float[parts.length];
                try {
                    for (int i = 0; i < parts.length; i++) {
                        row[i] = Float.parseFloat(parts[i].trim());
                    }
                } catch (NumberFormatException e) {
                    if (rows.isEmpty() && lineNo == 1) {
                        continue; // a header
                    }
                    throw new IOException(p + ": line " + lineNo + " has a value that is not a number");
                }
                if (!rows.isEmpty() && row.length != rows.get(0).length) {
                    throw new IOException(p + ": line " + lineNo + " has " + row.length + " values, the first row "
                            + rows.get(0).length);
                }
                rows.add(row);
            }
        }
        if (rows.isEmpty()) {
            throw new IOException(p + ": no rows");
        }
        return Tensor.ofRows(rows.toArray(new float[0][]));
    }

    static Tensor pngFolder(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException(dir + ": no .png images in the folder");
        }
        int w = -1;
        int h = -1;
        int channels = 1;
        List<BufferedImage> images = new ArrayList<>();
        for (Path f : files) {
            BufferedImage img = ImageIO.read(f.toFile());
            if (img == null) {
                throw new IOException(f + ": not a readable PNG image");
            }
            if (w < 0) {
                w = img.getWidth();
                h = img.getHeight();
            } else if (img.getWidth() != w || img.getHeight() != h) {
                throw new IOException(f + ": is " + img.getWidth() + "x" + img.getHeight() + ", the first image " + w + "x" + h);
            }
            if (img.getColorModel().getNumColorComponents() > 1 && !gray(img)) {
                channels = 3;
            }
            images.add(img);
        }
        float[] out = new float[files.size() * channels * h * w];
        for (int n = 0; n < images.size(); n++) {
            BufferedImage img = images.get(n);
            if (img.getRaster().getNumBands() == 1) { // grayscale: raw samples (getRGB would apply a gamma curve)
                double max = (1 << img.getColorModel().getComponentSize(0)) - 1;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        float v = (float) (img.getRaster().getSample(x, y, 0) / max);
                        for (int ch = 0; ch < channels; ch++) {
                            out[((n * channels + ch) * h + y) * w + x] = v;
                        }
                    }
                }
                continue;
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = img.getRGB(x, y);
                    int[] c = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
                    for (int ch = 0; ch < channels; ch++) {
                        float v = channels == 1 ? (c[0] + c[1] + c[2]) / 3f : c[ch];
                        out[((n * channels + ch) * h + y) * w + x] = v / 255f;
                    }
                }
            }
        }
        return new Tensor(new int[] {files.size(), channels, h, w}, out);
    }

    private static boolean gray(BufferedImage img) {
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                if (((rgb >> 16) & 0xff) != ((rgb >> 8) & 0xff) || ((rgb >> 8) & 0xff) != (rgb & 0xff)) {
                    return false;
                }
            }
        }
        return true;
    }
}
