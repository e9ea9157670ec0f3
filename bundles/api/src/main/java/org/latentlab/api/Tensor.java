package org.latentlab.api;

import java.util.Arrays;

/**
 * A batch-first float32 array: {@code shape[0]} rows, each of {@link #width()} values stored
 * contiguously (C order). Backends, strategies and clusterers exchange batches as tensors so a whole
 * chunk of seeds crosses a service boundary in one call.
 *
 * <p>The record does not copy its arrays: treat a tensor you did not create as read-only.
 */
public record Tensor(int[] shape, float[] data) {

    public Tensor {
        if (shape == null || shape.length == 0) {
            throw new IllegalArgumentException("a tensor needs a shape with at least one dimension");
        }
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            size = size > Integer.MAX_VALUE ? size : size * d; // stays above any array length once too big
        }
        if (data == null || size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + size
                    + " values, got " + (data == null ? "none" : data.length));
        }
    }

    /** The largest array the JVM allocates (a little under 2^31 elements). */
    public static final int MAX_VALUES = Integer.MAX_VALUE - 8;

    /**
     * A zero-filled array for a tensor of the given dimensions, with the size computed in long and
     * checked: a product beyond {@link #MAX_VALUES} fails with a message naming {@code what}, never
     * with an int overflow ({@code NegativeArraySizeException}) deep inside a job.
     */
    public static float[] allocate(String what, long... dims) {
        return new float[(int) checkedSize(what, dims)];
    }

    /** The product of {@code dims}, checked to fit in one Java array. */
    public static long checkedSize(String what, long... dims) {
        long size = 1;
        StringBuilder shown = new StringBuilder();
        boolean overflow = false;
        for (long d : dims) {
            if (d < 0) {
                throw new LatentLabException(what + ": negative dimension " + d);
            }
            shown.append(shown.length() == 0 ? "" : " x ").append(d);
            try {
                size = Math.multiplyExact(size, d);
            } catch (ArithmeticException e) {
                overflow = true;
            }
        }
        if (overflow || size > MAX_VALUES) {
            throw new LatentLabException(what + ": " + shown + " = " + (overflow ? "more than 2^63" : String.format("%,d", size))
                    + " values do not fit in one array (at most " + String.format("%,d", MAX_VALUES)
                    + "); use fewer rows or a smaller batch");
        }
        return size;
    }

    /** A [rows, width] matrix. */
    public static Tensor matrix(int rows, int width, float[] data) {
        return new Tensor(new int[] {rows, width}, data);
    }

    /** A [rows.length, width] matrix made from equal-length rows. */
    public static Tensor ofRows(float[][] rows) {
        int width = rows.length == 0 ? 0 : rows[0].length;
        float[] data = allocate("rows", rows.length, width);
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != width) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, row 0 has " + width);
            }
            System.arraycopy(rows[i], 0, data, i * width, width);
        }
        return matrix(rows.length, width, data);
    }

    /** Number of rows (the batch size). */
    public int rows() {
        return shape[0];
    }

    /** Number of values in one row: the product of all dimensions after the first. */
    public int width() {
        int w = 1;
        for (int i = 1; i < shape.length; i++) {
            w *= shape[i]; // cannot overflow: the constructor checked the whole product against data.length
        }
        return w;
    }

    /** The shape of one row, {@code shape[1..]}. */
    public int[] rowShape() {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /** A copy of row {@code i}. */
    public float[] row(int i) {
        int w = width();
        return Arrays.copyOfRange(data, i * w, (i + 1) * w);
    }

    /** A copy of rows {@code [from, to)} as a new tensor with the same row shape. */
    public Tensor slice(int from, int to) {
        int w = width();
        int[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(s, Arrays.copyOfRange(data, from * w, to * w));
    }

    /** Index of the first NaN or infinite value, or -1 when all values are finite. */
    public int firstNonFinite() {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
