package org.latentlab.report.internal;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.latentlab.api.result.FieldValue;
import org.latentlab.io.AtomicFile;

/** Model inputs as PNG pictures: values in [0, 1] to grey or RGB, scaled up to about 96 pixels. */
final class Png {

    private Png() {}

    /** [channels, height, width] when values of this shape are a picture: [1|3, H, W], [H, W], or [N] with N a square ≥ 16. */
    static int[] pictureShape(int[] s) {
        if (s.length == 3 && (s[0] == 1 || s[0] == 3)) {
            return s;
        }
        if (s.length == 2) {
            return new int[] {1, s[0], s[1]};
        }
        if (s.length == 1) {
            int side = (int) Math.round(Math.sqrt(s[0]));
            if (side * side == s[0] && side >= 4) {
                return new int[] {1, side, side};
            }
        }
        return null;
    }

    /** The picture of {@code image}, or null when its shape is no picture. */
    static BufferedImage picture(FieldValue.Image image) {
        int[] shape = pictureShape(image.shape());
        if (shape == null) {
            return null;
        }
        float[] values = image.values();
        int c = shape[0];
        int hgt = shape[1];
        int wid = shape[2];
        int scale = Math.max(1, 96 / Math.max(hgt, wid));
        BufferedImage img = new BufferedImage(wid * scale, hgt * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < hgt; y++) {
            for (int x = 0; x < wid; x++) {
                int[] rgb = new int[3];
                for (int ch = 0; ch < 3; ch++) {
                    float v = values[(c == 1 ? 0 : ch) * hgt * wid + y * wid + x];
                    rgb[ch] = Math.max(0, Math.min(255, Math.round(v * 255)));
                }
                int p = (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        img.setRGB(x * scale + dx, y * scale + dy, p);
                    }
                }
            }
        }
        return img;
    }

    static Path write(Path file, BufferedImage img) throws IOException {
        return AtomicFile.write(file, out -> ImageIO.write(img, "png", out));
    }
}
