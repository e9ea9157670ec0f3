package org.latentlab.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.npy.Npy;

/**
 * The one check of latent points every command applies (analyze's seeds, field's points and
 * plane): a readable .npy file, shape [n, latentDim] with n &gt;= 1 (or exactly the rows asked
 * for), every value finite. Errors are {@link LatentLabException}s naming the file, the row and
 * column, and the rule.
 */
public final class LatentPoints {

    private LatentPoints() {}

    /**
     * Reads checked latent points.
     *
     * @param role      what the points are for, as the user named them: "seeds", "--points", "--plane"
     * @param rows      the number of points required, or -1 for any number from 1
     * @param latentDim the model's latent dimension
     */
    public static Tensor read(Path file, String role, int rows, int latentDim) {
        if (file == null || !Files.exists(file)) {
            throw new LatentLabException(role + " file " + file + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new LatentLabException(role + " file " + file + " is a folder; give a .npy file of latent points");
        }
        Npy.FloatArray a;
        try {
            a = Npy.readFloats(file);
        } catch (IOException e) {
            throw new LatentLabException("cannot read " + role + ": " + IoErrors.describe(e), e);
        }
        String what = role + " " + file;
        requireShape(what, a.shape(), rows, latentDim);
        requireFinite(what, a.data(), latentDim, 0);
        return Tensor.matrix(a.shape()[0], latentDim, a.data());
    }

    /** Shape [n, latentDim] with n &gt;= 1, or [rows, latentDim] when rows &gt; 0. */
    public static void requireShape(String what, int[] shape, int rows, int latentDim) {
        String want = "[" + (rows > 0 ? rows : "n") + ", " + latentDim + "]";
        if (shape.length != 2 || shape[1] != latentDim || rows > 0 && shape[0] != rows) {
            throw new LatentLabException(what + " has shape " + Arrays.toString(shape) + "; it must be " + want
                    + (rows > 0 ? " (" + rows + " latent points" : " (latent points") + " of dimension " + latentDim + ")");
        }
        if (shape[0] == 0) {
            throw new LatentLabException(what + " holds no points (shape " + Arrays.toString(shape) + "); give at least one");
        }
    }

    /** Every value finite; rows are numbered from {@code firstRow} (for data read in chunks). */
    public static void requireFinite(String what, float[] data, int width, int firstRow) {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new LatentLabException(what + ": row " + (firstRow + i / width) + ", column " + i % width + " is "
                        + (Float.isNaN(data[i]) ? "NaN" : "infinite") + "; latent points must be finite");
            }
        }
    }
}
