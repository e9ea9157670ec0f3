package org.latentlab.training.internal;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.training.TrainingConfig;

/**
 * The augmentations of a training batch. A shift moves the whole example, so the shifted image is both what the
 * network sees and what it must reconstruct (a translated digit is another valid digit). Input noise and masking
 * are corruption: the network sees the corrupted input and must reconstruct the uncorrupted (possibly shifted)
 * image, as in a denoising autoencoder.
 *
 * <p>Draws, all from the training's one generator, in this order per batch: for each example dx then dy (only when
 * shift &gt; 0), then for each value a noise draw (only when input noise &gt; 0) and a mask draw (only when the mask
 * fraction is &gt; 0). With none of the three nothing is drawn.
 */
final class Augmentation {

    private final int shift;
    private final double inputNoise;
    private final double maskFraction;
    private final int channels;
    private final int height;
    private final int width;

    private Augmentation(int shift, double inputNoise, double maskFraction, int channels, int height, int width) {
        this.shift = shift;
        this.inputNoise = inputNoise;
        this.maskFraction = maskFraction;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /** Whether the network's input differs from its target (noise or masking); a shift moves both alike. */
    boolean changesInput() {
        return inputNoise > 0 || maskFraction > 0;
    }

    /**
     * The augmentation a configuration asks for on inputs of {@code inputShape}.
     *
     * @throws LatentLabException when a shift is asked for inputs that are not images [channels, height, width] or
     *                            [height, width], or is as large as the image
     */
    static Augmentation of(TrainingConfig c, int[] inputShape) {
        int ch = 1;
        int h = 1;
        int w = 1;
        if (inputShape.length == 3) {
            ch = inputShape[0];
            h = inputShape[1];
            w = inputShape[2];
        } else if (inputShape.length == 2) {
            h = inputShape[0];
            w = inputShape[1];
        } else if (c.shift() > 0) {
            throw new LatentLabException("--shift " + c.shift() + ": shift augmentation needs image inputs [channels, height,"
                    + " width] or [height, width], these are " + Arrays.toString(inputShape) + "; use --shift 0");
        }
        if (c.shift() > 0 && (c.shift() >= h || c.shift() >= w)) {
            throw new LatentLabException("--shift " + c.shift() + ": must be less than the image's height and width ("
                    + h + "x" + w + "), or whole images could be shifted out");
        }
        return new Augmentation(c.shift(), c.inputNoise(), c.maskFraction(), ch, h, w);
    }

    /**
     * Fills a batch: {@code target} gets the examples {@code rows[from .. from + b)} of {@code data} (each
     * {@code size} values), shifted when shift &gt; 0; {@code input} gets the target with noise and masking.
     */
    void batch(float[] data, int size, int[] rows, int from, int b, float[] target, float[] input, SplittableRandom rng) {
        for (int r = 0; r < b; r++) {
            int src = rows[from + r] * size;
            if (shift > 0) {
                int dx = rng.nextInt(2 * shift + 1) - shift;
                int dy = rng.nextInt(2 * shift + 1) - shift;
                shift(data, src, target, r * size, channels, height, width, dx, dy);
            } else {
                System.arraycopy(data, src, target, r * size, size);
            }
        }
        for (int i = 0; i < b * size; i++) {
            float v = target[i];
            if (inputNoise > 0) {
                v += (float) (inputNoise * org.latentlab.numerics.Gaussian.next(rng));
            }
            if (maskFraction > 0 && rng.nextDouble() < maskFraction) {
                v = 0;
            }
            input[i] = v;
        }
    }

    /**
     * Translates one image [channels, height, width] from {@code src[from ..]} into {@code dst[to ..]}:
     * dst[c, y, x] = src[c, y - dy, x - dx] where that is inside the image, else 0. Positive dx moves the content
     * right, positive dy moves it down.
     */
    static void shift(float[] src, int from, float[] dst, int to, int channels, int height, int width, int dx, int dy) {
        int x0 = Math.max(0, dx); // the columns of dst that have a source column
        int x1 = Math.min(width, width + dx);
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                int row = to + (c * height + y) * width;
                int sy = y - dy;
                if (sy < 0 || sy >= height || x0 >= x1) {
                    Arrays.fill(dst, row, row + width, 0f);
                    continue;
                }
                Arrays.fill(dst, row, row + x0, 0f);
                System.arraycopy(src, from + (c * height + sy) * width + x0 - dx, dst, row + x0, x1 - x0);
                Arrays.fill(dst, row + x1, row + width, 0f);
            }
        }
    }
}
