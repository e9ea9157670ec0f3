package org.latentlab.npy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0 to 3.0, C order). Values are read
 * into float32 (the engine's type) from float32, float64, int32, int64 and uint8 files, little- or
 * big-endian; labels are written as int32. Every error names the file and what is wrong with it.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-zA-Z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** A float32 array read from a file: C-order data and its shape. */
    public record FloatArray(int[] shape, float[] data) {
        public int rows() {
            return shape.length == 0 ? 1 : shape[0];
        }
    }

    /**
     * The header of a .npy file: shape, element type and where the data starts.
     *
     * @param type   {@code f4}, {@code f8}, {@code i4}, {@code i8} or {@code u1}
     * @param offset byte offset of the first value
     */
    public record Header(int[] shape, String type, ByteOrder order, long offset) {

        /** Bytes per value. */
        public int itemSize() {
            return Integer.parseInt(type.substring(1));
        }

        /** Values per row (product of the shape after the first dimension). */
        public long rowSize() {
            long n = 1;
            for (int i = 1; i < shape.length; i++) {
                n *= shape[i];
            }
            return n;
        }
    }

    /** Reads and checks the header only: every error names the file and what is wrong. */
    public static Header header(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        long fileSize = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(10);
            if (head.length < 10 || !Arrays.equals(Arrays.copyOf(head, 6), MAGIC)) {
                throw new IOException(file + ": not a NumPy .npy file (bad magic bytes)");
            }
            int major = head[6] & 0xff;
            long headerLen;
            long offset;
            if (major == 1) {
                headerLen = (head[8] & 0xff) | (head[9] & 0xff) << 8;
                offset = 10 + headerLen;
            } else if (major == 2 || major == 3) {
                byte[] more = in.readNBytes(2);
                if (more.length < 2) {
                    throw new IOException(file + ": truncated .npy header");
                }
                headerLen = (head[8] & 0xffL) | (head[9] & 0xffL) << 8 | (more[0] & 0xffL) << 16 | (more[1] & 0xffL) << 24;
                offset = 12 + headerLen;
            } else {
                throw new IOException(file + ": unsupported .npy format version " + major);
            }
            if (offset > fileSize) {
                throw new IOException(file + ": truncated .npy header: it says " + headerLen + " header bytes, the file has "
                        + fileSize + " bytes in all");
            }
            String header = new String(in.readNBytes((int) headerLen), StandardCharsets.ISO_8859_1);
            Matcher d = DESCR.matcher(header);
            Matcher f = FORTRAN.matcher(header);
            Matcher s = SHAPE.matcher(header);
            if (!d.find() || !f.find() || !s.find()) {
                throw new IOException(file + ": malformed .npy header: " + abbreviate(header.trim()));
            }
            if (f.group(1).equals("True")) {
                throw new IOException(file + ": Fortran-order arrays are not supported; save with np.ascontiguousarray");
            }
            String type = d.group(2) + d.group(3);
            if (!Arrays.asList("f4", "f8", "i4", "i8", "u1").contains(type)) {
                throw new IOException(file + ": dtype '" + d.group(1) + type + "' is not supported; use float32");
            }
            ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            Header h = new Header(parseShape(file, s.group(1)), type, order, offset);
            long bytes;
            try {
                long count = 1;
                for (int dim : h.shape()) {
                    count = Math.multiplyExact(count, dim);
                }
                bytes = Math.multiplyExact(count, h.itemSize());
            } catch (ArithmeticException e) {
                throw new IOException(file + ": shape " + Arrays.toString(h.shape()) + " has more values than any file can hold");
            }
            if (fileSize - offset < bytes) {
                throw new IOException(file + ": truncated: shape " + Arrays.toString(h.shape()) + " needs " + bytes
                        + " data bytes, found " + (fileSize - offset));
            }
            return h;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** Reads a numeric .npy file as float32. */
    public static FloatArray readFloats(Path file) throws IOException {
        Header h = header(file);
        int rows = h.shape().length == 0 ? 1 : h.shape()[0];
        FloatArray all = readRows(file, h, 0, rows);
        return new FloatArray(h.shape(), all.data());
    }

    /**
     * Reads rows {@code [from, to)} (along the first dimension) as float32, so a file larger than
     * memory can be processed in chunks.
     */
    public static FloatArray readRows(Path file, Header h, int from, int to) throws IOException {
        float[] out = new float[values(file, h, from, to, 4)];
        String type = h.type();
        visit(file, h, from, to, (i, buf) -> out[i] = switch (type) {
            case "f4" -> buf.getFloat();
            case "f8" -> (float) buf.getDouble();
            case "i4" -> buf.getInt();
            case "i8" -> buf.getLong();
            default -> buf.get() & 0xff;
        });
        int[] shape = h.shape().length == 0 ? new int[0] : h.shape().clone();
        if (shape.length > 0) {
            shape[0] = to - from;
        }
        return new FloatArray(shape, out);
    }

    /** Rows {@code [from, to)} of a numeric file as float64 (exact for float32, float64, int32 and uint8 files). */
    public static double[] readDoubleRows(Path file, Header h, int from, int to) throws IOException {
        double[] out = new double[values(file, h, from, to, 8)];
        String type = h.type();
        visit(file, h, from, to, (i, buf) -> out[i] = switch (type) {
            case "f4" -> buf.getFloat();
            case "f8" -> buf.getDouble();
            case "i4" -> buf.getInt();
            case "i8" -> buf.getLong();
            default -> buf.get() & 0xff;
        });
        return out;
    }

    /** Rows {@code [from, to)} of an integer file (int32, int64, uint8) as int64, exactly. */
    public static long[] readLongRows(Path file, Header h, int from, int to) throws IOException {
        String type = h.type();
        if (type.startsWith("f")) {
            throw new IOException(file + ": holds floating-point values (" + type + "), integers expected");
        }
        long[] out = new long[values(file, h, from, to, 8)];
        visit(file, h, from, to, (i, buf) -> out[i] = switch (type) {
            case "i4" -> buf.getInt();
            case "i8" -> buf.getLong();
            default -> buf.get() & 0xff;
        });
        return out;
    }

    /** Rows {@code [from, to)} of an integer file (int32, int64, uint8) as int32; a value out of range is an error. */
    public static int[] readIntRows(Path file, Header h, int from, int to) throws IOException {
        long[] wide = readLongRows(file, h, from, to);
        int[] out = new int[wide.length];
        for (int i = 0; i < wide.length; i++) {
            if (wide[i] != (int) wide[i]) {
                throw new IOException(file + ": value " + wide[i] + " at row " + (from + i) + " does not fit in int32");
            }
            out[i] = (int) wide[i];
        }
        return out;
    }

    /** Receives value {@code i} of a read from the buffer (positioned at it, in the file's byte order). */
    private interface Values {
        void take(int i, ByteBuffer buf);
    }

    /** How many values rows [from, to) hold, checked against the file and the memory free for an array of them. */
    private static int values(Path file, Header h, int from, int to, int bytesEach) throws IOException {
        int rows = h.shape().length == 0 ? 1 : h.shape()[0];
        if (from < 0 || to < from || to > rows) {
            throw new IOException(file + ": rows " + from + " to " + to + " asked for, the file has " + rows);
        }
        long rowSize = h.shape().length == 0 ? 1 : h.rowSize();
        long count = (long) (to - from) * rowSize;
        if (count > Integer.MAX_VALUE - 8) {
            throw new IOException(file + ": " + count + " values are too many to read at once; read fewer rows");
        }
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytesEach * count > free) {
            throw new IOException(file + ": reading " + count + " values needs " + (bytesEach * count >> 20) + " MB of memory, "
                    + (free >> 20) + " MB are free; use a smaller file or give Java more memory (LATENTLAB_JAVA_OPTS=-Xmx...)");
        }
        return (int) count;
    }

    /** Hands each value of rows [from, to) to {@code take}, read in chunks of whole values. */
    private static void visit(Path file, Header h, int from, int to, Values take) throws IOException {
        long rowSize = h.shape().length == 0 ? 1 : h.rowSize();
        long count = (long) (to - from) * rowSize;
        int item = h.itemSize();
        // in chunks of whole values: a float64 file's rows may hold more bytes than one array can
        ByteBuffer buf = ByteBuffer.allocate((int) Math.max(item, Math.min(count * item, 1 << 20))).order(h.order());
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            long pos = h.offset() + from * rowSize * item;
            int i = 0;
            while (i < count) {
                buf.clear();
                buf.limit((int) Math.min(buf.capacity(), (count - i) * item));
                while (buf.hasRemaining()) {
                    int r = ch.read(buf, pos);
                    if (r < 0) {
                        throw new IOException(file + ": truncated at byte " + pos);
                    }
                    pos += r;
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    take.take(i++, buf);
                }
            }
        }
    }

    private static int[] parseShape(Path file, String text) throws IOException {
        String t = text.trim();
        if (t.isEmpty()) {
            return new int[0];
        }
        String[] parts = Arrays.stream(t.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toArray(String[]::new);
        int[] shape = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            long dim;
            try {
                dim = Long.parseLong(parts[i].replace("L", ""));
            } catch (NumberFormatException e) {
                throw new IOException(file + ": bad shape (" + abbreviate(text) + ") in the .npy header");
            }
            if (dim < 0) {
                throw new IOException(file + ": negative dimension " + dim + " in the shape (" + text + ")");
            }
            if (dim > Integer.MAX_VALUE) {
                throw new IOException(file + ": dimension " + dim + " in the shape (" + text + ") is too large; at most "
                        + Integer.MAX_VALUE + " per dimension");
            }
            shape[i] = (int) dim;
        }
        return shape;
    }

    /** Temporary files are created owner-only; results are ordinary files (rw-r--r--). */
    public static void readableByAll(Path file) {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system: keep its default
        }
    }

    /** Writes float32 values (little-endian, C order) atomically. */
    public static void writeFloats(Path file, int[] shape, float[] data) throws IOException {
        write(file, "<f4", shape, data.length, (buf, i) -> buf.putFloat(data[i]));
    }

    /** Writes int32 values (little-endian, C order) atomically. */
    public static void writeInts(Path file, int[] shape, int[] data) throws IOException {
        write(file, "<i4", shape, data.length, (buf, i) -> buf.putInt(data[i]));
    }

    /** Puts value {@code i} into the buffer. */
    private interface Puts {
        void put(ByteBuffer buf, int i);
    }

    /** Streams the values through a small buffer: no second copy of a large array in memory. */
    private static void write(Path file, String descr, int[] shape, int length, Puts values) throws IOException {
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(file + ": negative dimension in shape " + Arrays.toString(shape));
            }
            count *= d;
        }
        if (count != length) {
            throw new IllegalArgumentException(file + ": shape " + Arrays.toString(shape) + " does not match " + length + " values");
        }
        StringBuilder sh = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            sh.append(shape[i]).append(shape.length == 1 ? "," : i + 1 < shape.length ? ", " : "");
        }
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + sh + "), }";
        int unpadded = 10 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        byte[] head = header.getBytes(StandardCharsets.ISO_8859_1);
        org.latentlab.io.AtomicFile.write(file, out -> {
            out.write(MAGIC);
            out.write(new byte[] {1, 0, (byte) (head.length & 0xff), (byte) (head.length >> 8)});
            out.write(head);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < length; i++) {
                values.put(buf, i);
                if (!buf.hasRemaining()) {
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
            }
            out.write(buf.array(), 0, buf.position());
        });
    }
}
