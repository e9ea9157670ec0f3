package org.latentlab.io;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.latentlab.api.Tensor;

/**
 * IDX files (the MNIST format): big-endian magic 0x00 0x00 type ndim, dimensions as int32, then
 * the data. Unsigned-byte images become float32 in [0, 1], shaped [n, 1, rows, cols]. Files ending
 * in .gz are gunzipped on the fly.
 */
public final class Idx {

    private Idx() {}

    public static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return file.toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** Images as [n, 1, rows, cols] in [0, 1]; at most {@code limit} of them (all when negative). */
    public static Tensor images(Path file, int limit) throws IOException {
        try (DataInputStream in = new DataInputStream(open(file))) {
            int[] dims = header(in, file, 3);
            int n = limit < 0 ? dims[0] : Math.min(limit, dims[0]);
            long values = (long) n * dims[1] * dims[2];
            if (values > Integer.MAX_VALUE - 8) {
                throw new IOException(file + ": " + n + " images of " + dims[1] + "x" + dims[2] + " are too many to read at once"
                        + " (" + values + " values); read fewer");
            }
            byte[] raw = new byte[(int) values];
            try {
                in.readFully(raw);
            } catch (EOFException e) {
                throw new IOException(file + ": truncated: header says " + dims[0] + " images of " + dims[1] + "x" + dims[2]);
            }
            float[] out = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                out[i] = (raw[i] & 0xff) / 255f;
            }
            return new Tensor(new int[] {n, 1, dims[1], dims[2]}, out);
        }
    }

    /** Labels (unsigned bytes). */
    public static int[] labels(Path file, int limit) throws IOException {
        try (DataInputStream in = new DataInputStream(open(file))) {
            int[] dims = header(in, file, 1);
            int n = limit < 0 ? dims[0] : Math.min(limit, dims[0]);
            byte[] raw = new byte[n];
            try {
                in.readFully(raw);
            } catch (EOFException e) {
                throw new IOException(file + ": truncated: header says " + dims[0] + " labels");
            }
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = raw[i] & 0xff;
            }
            return out;
        }
    }

    private static int[] header(DataInputStream in, Path file, int ndim) throws IOException {
        try {
            return readHeader(in, file, ndim);
        } catch (EOFException e) {
            throw new IOException(file + ": truncated IDX header");
        }
    }

    private static int[] readHeader(DataInputStream in, Path file, int ndim) throws IOException {
        int magic = in.readInt();
        int type = (magic >> 8) & 0xff;
        int dims = magic & 0xff;
        if ((magic >>> 16) != 0 || type != 0x08) {
            throw new IOException(file + ": not an unsigned-byte IDX file (magic 0x" + Integer.toHexString(magic) + ")");
        }
        if (dims != ndim) {
            throw new IOException(file + ": expected " + ndim + " dimensions, found " + dims);
        }
        int[] out = new int[dims];
        for (int i = 0; i < dims; i++) {
            out[i] = in.readInt();
            if (out[i] < 0) {
                throw new IOException(file + ": negative dimension " + out[i]);
            }
        }
        return out;
    }
}
