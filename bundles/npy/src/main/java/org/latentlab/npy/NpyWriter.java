package org.latentlab.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Writes a {@code .npy} file row by row, for arrays whose length is not known until the end (per-seed results of a
 * run that stream to disk): the header is written first with 0 rows and rewritten with the final count by
 * {@link #close()}. The header is padded to a length that holds any count, so the rewrite never moves the data. A
 * file that was never closed (a crash) still reads as an array of 0 rows. Little-endian, C order, format 1.0.
 */
public final class NpyWriter implements AutoCloseable {

    /** Element types, as NumPy spells them. */
    public enum Type {
        FLOAT32("<f4", 4), FLOAT64("<f8", 8), INT32("<i4", 4), INT64("<i8", 8), UINT8("|u1", 1);

        final String descr;
        final int size;

        Type(String descr, int size) {
            this.descr = descr;
            this.size = size;
        }
    }

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private final Path file;
    private final Type type;
    private final int[] rowShape;
    private final long rowSize;
    private final int headerLength;
    private final FileChannel channel;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long values;
    private boolean closed;

    private NpyWriter(Path file, Type type, int[] rowShape, FileChannel channel) throws IOException {
        this.file = file;
        this.type = type;
        this.rowShape = rowShape.clone();
        long size = 1;
        for (int d : rowShape) {
            if (d < 0) {
                throw new IllegalArgumentException(file + ": negative dimension in row shape " + Arrays.toString(rowShape));
            }
            size *= d;
        }
        this.rowSize = size;
        this.channel = channel;
        // long enough for the largest count a .npy reader accepts, so the final header takes exactly this room
        this.headerLength = header(Integer.MAX_VALUE, -1).length;
        channel.write(ByteBuffer.wrap(header(0, headerLength)));
    }

    /**
     * Creates (or truncates) {@code file} for rows of shape {@code rowShape} (none for a vector [n]).
     */
    public static NpyWriter open(Path file, Type type, int... rowShape) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            NpyWriter w = new NpyWriter(file, type, rowShape, ch);
            Npy.readableByAll(file);
            return w;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The file being written. */
    public Path file() {
        return file;
    }

    /** Whole rows written so far. */
    public long rows() {
        return rowSize == 0 ? 0 : values / rowSize;
    }

    public NpyWriter floats(float[] v, int from, int count) throws IOException {
        check(Type.FLOAT32);
        for (int i = from; i < from + count; i++) {
            room(4).putFloat(v[i]);
        }
        values += count;
        return this;
    }

    public NpyWriter floats(float[] v) throws IOException {
        return floats(v, 0, v.length);
    }

    public NpyWriter doubles(double[] v, int from, int count) throws IOException {
        check(Type.FLOAT64);
        for (int i = from; i < from + count; i++) {
            room(8).putDouble(v[i]);
        }
        values += count;
        return this;
    }

    public NpyWriter ints(int[] v, int from, int count) throws IOException {
        check(Type.INT32);
        for (int i = from; i < from + count; i++) {
            room(4).putInt(v[i]);
        }
        values += count;
        return this;
    }

    public NpyWriter longs(long[] v, int from, int count) throws IOException {
        check(Type.INT64);
        for (int i = from; i < from + count; i++) {
            room(8).putLong(v[i]);
        }
        values += count;
        return this;
    }

    /** uint8 values, e.g. flags as 0 / 1. */
    public NpyWriter bytes(byte[] v, int from, int count) throws IOException {
        check(Type.UINT8);
        for (int i = from; i < from + count; i++) {
            room(1).put(v[i]);
        }
        values += count;
        return this;
    }

    /** One value of any numeric type, converted to this file's type. */
    public NpyWriter value(double v) throws IOException {
        if (closed) {
            throw new IOException(file + ": already closed");
        }
        switch (type) {
            case FLOAT32 -> room(4).putFloat((float) v);
            case FLOAT64 -> room(8).putDouble(v);
            case INT32 -> room(4).putInt((int) v);
            case INT64 -> room(8).putLong((long) v);
            case UINT8 -> room(1).put((byte) v);
        }
        values++;
        return this;
    }

    /** Makes what was written so far visible to readers of the file (the header still says 0 rows until close). */
    public void flush() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        buf.clear();
    }

    /** Writes what is buffered and the header with the final row count. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (channel) {
            flush();
            if (rowSize != 0 && values % rowSize != 0) {
                throw new IOException(file + ": " + values + " values are not whole rows of " + rowSize);
            }
            long rows = rows();
            if (rows > Integer.MAX_VALUE) {
                throw new IOException(file + ": " + rows + " rows are more than a .npy reader accepts");
            }
            channel.write(ByteBuffer.wrap(header((int) rows, headerLength)), 0);
        }
    }

    private void check(Type want) throws IOException {
        if (closed) {
            throw new IOException(file + ": already closed");
        }
        if (type != want) {
            throw new IllegalArgumentException(file + " holds " + type + ", not " + want);
        }
    }

    private ByteBuffer room(int bytes) throws IOException {
        if (buf.remaining() < bytes) {
            flush();
        }
        return buf;
    }

    /** Magic, version, length and the dictionary padded to {@code length} bytes (-1: the shortest multiple of 64). */
    private byte[] header(int rows, int length) {
        StringBuilder sh = new StringBuilder().append(rows);
        for (int d : rowShape) {
            sh.append(", ").append(d);
        }
        if (rowShape.length == 0) {
            sh.append(',');
        }
        String dict = "{'descr': '" + type.descr + "', 'fortran_order': False, 'shape': (" + sh + "), }";
        int unpadded = 10 + dict.length() + 1;
        int total = length < 0 ? unpadded + (64 - unpadded % 64) % 64 : length;
        if (total < unpadded) {
            throw new IllegalStateException(file + ": header of " + unpadded + " bytes does not fit in " + total);
        }
        byte[] text = (dict + " ".repeat(total - unpadded) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[total];
        System.arraycopy(MAGIC, 0, out, 0, 6);
        out[6] = 1;
        out[7] = 0;
        out[8] = (byte) (text.length & 0xff);
        out[9] = (byte) (text.length >> 8);
        System.arraycopy(text, 0, out, 10, text.length);
        return out;
    }
}
