package org.latentlab.api.result;

import java.util.Arrays;
import java.util.List;

/**
 * The value of one result field (a metric's, or an experiment's), as written to result.json: a whole
 * or real number, a text, a flag, a vector, an image, or a list of values (e.g. points or paths).
 * Immutable: arrays are copied in and out. {@link #toString()} prints the plain value ({@code 2.5}, not {@code Real[value=2.5]}), so a
 * summary map prints as it reads.
 */
public sealed interface FieldValue {

    /** The value as plain Java ({@code Long}, {@code Double}, {@code String}, {@code Boolean}, arrays, lists). */
    Object plain();

    /** A whole number. */
    record Int(long value) implements FieldValue {
        public Object plain() {
            return value;
        }

        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    /** A real number; NaN and infinities are written to JSON as null. */
    record Real(double value) implements FieldValue {
        public Object plain() {
            return value;
        }

        @Override
        public String toString() {
            return Double.toString(value);
        }
    }

    /** A text. */
    record Text(String value) implements FieldValue {
        public Text {
            if (value == null) {
                throw new IllegalArgumentException("a text value needs a text");
            }
        }

        public Object plain() {
            return value;
        }

        @Override
        public String toString() {
            return value;
        }
    }

    /** A yes / no value. */
    record Flag(boolean value) implements FieldValue {
        public Object plain() {
            return value;
        }

        @Override
        public String toString() {
            return Boolean.toString(value);
        }
    }

    /** A vector of reals (a mean, a point, eigenvalues, bounds...). */
    record Reals(double[] values) implements FieldValue {
        public Reals {
            values = values.clone();
        }

        @Override
        public double[] values() {
            return values.clone();
        }

        /** The i-th value, without copying the vector. */
        public double get(int i) {
            return values[i];
        }

        public int size() {
            return values.length;
        }

        public Object plain() {
            return values.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Reals r && Arrays.equals(values, r.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return Arrays.toString(values);
        }
    }

    /** A vector of whole numbers (labels, indices). */
    record Ints(int[] values) implements FieldValue {
        public Ints {
            values = values.clone();
        }

        @Override
        public int[] values() {
            return values.clone();
        }

        public int get(int i) {
            return values[i];
        }

        public int size() {
            return values.length;
        }

        public Object plain() {
            return values.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ints r && Arrays.equals(values, r.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return Arrays.toString(values);
        }
    }

    /**
     * A model input or output, e.g. a decoded attractor or a training example: float32 values in C
     * order with the shape of one input ({@code [C, H, W]}, {@code [H, W]}, {@code [N]}...). Written to
     * result.json as its flat values.
     */
    record Image(int[] shape, float[] values) implements FieldValue {
        public Image {
            shape = shape.clone();
            values = values.clone();
            long size = 1;
            for (int d : shape) {
                size *= d;
            }
            if (size != values.length) {
                throw new IllegalArgumentException("an image of shape " + Arrays.toString(shape) + " needs " + size
                        + " values, got " + values.length);
            }
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public float[] values() {
            return values.clone();
        }

        public Object plain() {
            return values.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Image r && Arrays.equals(shape, r.shape) && Arrays.equals(values, r.values);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return "Image" + Arrays.toString(shape);
        }
    }

    /** A list of values: points (a list of {@link Reals}), paths (a list of lists of points)... */
    record Items(List<FieldValue> items) implements FieldValue {
        public Items {
            items = List.copyOf(items);
        }

        public Object plain() {
            return items.stream().map(FieldValue::plain).toList();
        }

        @Override
        public String toString() {
            return items.toString();
        }
    }

    static Int of(long value) {
        return new Int(value);
    }

    static Real of(double value) {
        return new Real(value);
    }

    static Text of(String value) {
        return new Text(value);
    }

    static Flag of(boolean value) {
        return new Flag(value);
    }

    static Reals of(double... values) {
        return new Reals(values);
    }

    static Ints ofInts(int... values) {
        return new Ints(values);
    }

    /** Points [n, d] as a list of vectors. */
    static Items points(double[][] points) {
        return new Items(Arrays.stream(points).map(Reals::new).map(FieldValue.class::cast).toList());
    }
}
