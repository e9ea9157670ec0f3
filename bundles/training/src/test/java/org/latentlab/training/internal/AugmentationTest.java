package org.latentlab.training.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.training.TrainingConfig;

class AugmentationTest {

    /** Two channels of 3 rows x 4 columns: channel 0 holds 1..12 row by row, channel 1 holds 101..112. */
    private static final float[] IMAGE = {
        1, 2, 3, 4,
        5, 6, 7, 8,
        9, 10, 11, 12,
        101, 102, 103, 104,
        105, 106, 107, 108,
        109, 110, 111, 112};

    private static float[] shifted(int dx, int dy) {
        float[] out = new float[IMAGE.length];
        java.util.Arrays.fill(out, -1); // every value must be written
        Augmentation.shift(IMAGE, 0, out, 0, 2, 3, 4, dx, dy);
        return out;
    }

    @Test
    void shiftMovesContentRightAndDownForPositiveOffsetsAndFillsTheGapWithZero() {
        assertArrayEquals(new float[] {
            0, 0, 0, 0,
            0, 1, 2, 3,
            0, 5, 6, 7,
            0, 0, 0, 0,
            0, 101, 102, 103,
            0, 105, 106, 107}, shifted(1, 1));
    }

    @Test
    void negativeOffsetsMoveContentLeftAndUp() {
        assertArrayEquals(new float[] {
            7, 8, 0, 0,
            11, 12, 0, 0,
            0, 0, 0, 0,
            107, 108, 0, 0,
            111, 112, 0, 0,
            0, 0, 0, 0}, shifted(-2, -1));
        assertArrayEquals(new float[] {
            0, 0, 0, 0,
            0, 0, 0, 0,
            2, 3, 4, 0,
            0, 0, 0, 0,
            0, 0, 0, 0,
            102, 103, 104, 0}, shifted(-1, 2));
    }

    @Test
    void noShiftCopiesAndAShiftByTheWholeSideLeavesZeros() {
        assertArrayEquals(IMAGE, shifted(0, 0));
        assertArrayEquals(new float[IMAGE.length], shifted(4, 0));
        assertArrayEquals(new float[IMAGE.length], shifted(0, -3));
    }

    @Test
    void shiftReadsAndWritesAtTheGivenOffsets() {
        float[] src = new float[5 + 4];
        float[] dst = new float[3 + 4];
        for (int i = 0; i < 4; i++) {
            src[5 + i] = i + 1; // a 2x2 image [[1, 2], [3, 4]] at offset 5
        }
        dst[0] = 9;
        Augmentation.shift(src, 5, dst, 3, 1, 2, 2, 1, 0);
        assertArrayEquals(new float[] {9, 0, 0, 0, 1, 0, 3}, dst);
    }

    private static TrainingConfig config(int shift, double noise, double mask) {
        return new TrainingConfig("mlp", 2, new int[] {4}, "relu", "kaiming-uniform", 0, noise, mask, 3, 1, 2, 1e-3, 0)
                .with(1, shift, 0);
    }

    private static float[] data() {
        float[] d = new float[3 * IMAGE.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = i % 7 / 7f;
        }
        return d;
    }

    @Test
    void withoutAugmentationABatchIsTheChosenExamplesUntouchedAndNothingIsDrawn() {
        int size = IMAGE.length;
        float[] data = data();
        float[] target = new float[2 * size];
        float[] input = new float[2 * size];
        SplittableRandom rng = new SplittableRandom(5);
        Augmentation.of(config(0, 0, 0), new int[] {2, 3, 4}).batch(data, size, new int[] {2, 0, 1}, 1, 2, target, input, rng);
        float[] expected = new float[2 * size];
        System.arraycopy(data, 0, expected, 0, size); // rows[1] = 0
        System.arraycopy(data, size, expected, size, size); // rows[2] = 1
        assertArrayEquals(expected, target);
        assertArrayEquals(expected, input);
        assertEquals(new SplittableRandom(5).nextLong(), rng.nextLong(), "no draw was made");
        assertArrayEquals(data(), data, "the data is never changed");
    }

    @Test
    void aShiftMovesInputAndTargetAlikeByOffsetsDrawnInOrder() {
        int size = IMAGE.length;
        float[] data = data();
        float[] target = new float[2 * size];
        float[] input = new float[2 * size];
        SplittableRandom rng = new SplittableRandom(11);
        Augmentation.of(config(2, 0, 0), new int[] {2, 3, 4}).batch(data, size, new int[] {1, 2}, 0, 2, target, input, rng);
        SplittableRandom twin = new SplittableRandom(11);
        float[] expected = new float[2 * size];
        int[][] offsets = new int[2][];
        for (int r = 0; r < 2; r++) { // dx then dy per example, each uniform in [-2, 2]
            int dx = twin.nextInt(5) - 2;
            int dy = twin.nextInt(5) - 2;
            offsets[r] = new int[] {dx, dy};
            Augmentation.shift(data, (r + 1) * size, expected, r * size, 2, 3, 4, dx, dy);
        }
        assertArrayEquals(expected, target, "offsets " + java.util.Arrays.deepToString(offsets));
        assertArrayEquals(target, input, "a shift is not corruption: the network sees what it must reconstruct");
        assertEquals(twin.nextLong(), rng.nextLong(), "two draws per example, nothing else");
    }

    @Test
    void noiseAndMaskingCorruptTheInputOnlyAndApplyAfterTheShift() {
        int size = IMAGE.length;
        float[] data = data();
        float[] target = new float[size];
        float[] input = new float[size];
        Augmentation.of(config(1, 0, 0.5), new int[] {2, 3, 4}).batch(data, size, new int[] {0}, 0, 1, target, input,
                new SplittableRandom(3));
        SplittableRandom twin = new SplittableRandom(3);
        float[] expected = new float[size];
        Augmentation.shift(data, 0, expected, 0, 2, 3, 4, twin.nextInt(3) - 1, twin.nextInt(3) - 1);
        assertArrayEquals(expected, target);
        int masked = 0;
        for (int i = 0; i < size; i++) {
            boolean mask = twin.nextDouble() < 0.5;
            assertEquals(mask ? 0f : expected[i], input[i], "value " + i);
            masked += mask ? 1 : 0;
        }
        assertEquals(true, masked > 0 && masked < size, "some values masked, not all: " + masked);
    }

    @Test
    void aShiftIsRefusedForInputsThatAreNotImagesOrForShiftsAsLargeAsTheImage() {
        LatentLabException flat = assertThrows(LatentLabException.class, () -> Augmentation.of(config(2, 0, 0), new int[] {784}));
        assertEquals("--shift 2: shift augmentation needs image inputs [channels, height, width] or [height, width],"
                + " these are [784]; use --shift 0", flat.getMessage());
        LatentLabException large = assertThrows(LatentLabException.class,
                () -> Augmentation.of(config(3, 0, 0), new int[] {1, 3, 4}));
        assertEquals("--shift 3: must be less than the image's height and width (3x4), or whole images could be shifted out",
                large.getMessage());
        // [height, width] is an image; a flat input without a shift is fine
        float[] target = new float[12];
        Augmentation.of(config(2, 0, 0), new int[] {3, 4}).batch(IMAGE, 12, new int[] {0}, 0, 1, target, new float[12],
                new SplittableRandom(1));
        SplittableRandom twin = new SplittableRandom(1);
        float[] expected = new float[12];
        Augmentation.shift(IMAGE, 0, expected, 0, 1, 3, 4, twin.nextInt(5) - 2, twin.nextInt(5) - 2);
        assertArrayEquals(expected, target);
        float[] flatTarget = new float[12];
        Augmentation.of(config(0, 0, 0), new int[] {12}).batch(IMAGE, 12, new int[] {1}, 0, 1, flatTarget, new float[12],
                new SplittableRandom(1));
        assertArrayEquals(java.util.Arrays.copyOfRange(IMAGE, 12, 24), flatTarget, "flat inputs train without a shift");
    }
}
