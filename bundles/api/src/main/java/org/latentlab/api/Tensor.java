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
            size *= d;
        }
        if (data == null || size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + size
                    + " values, got " + (data == null ? "none" : data.length));
        }
    }

    /** A [rows, width] matrix. */
    public static Tensor matrix(int rows, int width, float[] data) {
        return new Tensor(new int[] {rows, width}, data);
    }

    /** A [rows.length, width] matrix made from equal-length rows. */
    public static Tensor ofRows(float[][] rows) {
        int width = rows.length == 0 ? 0 : rows[0].length;
        float[] data = new float[rows.length * width];
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
            w *= shape[i];
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
