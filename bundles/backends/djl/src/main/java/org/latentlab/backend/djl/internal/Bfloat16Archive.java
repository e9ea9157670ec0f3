package org.latentlab.backend.djl.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import org.latentlab.io.StoredZip;

/**
 * A TorchScript archive with its float32 tensors stored as bfloat16: the same module, code and structure, loaded by
 * libtorch as a bfloat16 module. DJL 0.35 can neither make bfloat16 tensors nor convert a loaded module (its JNI has no
 * {@code Module.to(dtype)}), so the archive is rewritten before loading, in memory:
 * <ul>
 * <li>the pickles ({@code data.pkl}, {@code constants.pkl}, protocol 2 as TorchScript writes them) are walked opcode by
 * opcode to find the storages of type {@code torch.FloatStorage} (their keys name the files under {@code data/} and
 * {@code constants/}), and the type becomes {@code torch.BFloat16Storage}: a byte replacement of the GLOBAL opcode's
 * newline-terminated text, safe because protocol 2 pickles hold no offsets or frame lengths;</li>
 * <li>each such storage's little-endian float32 values are rounded to bfloat16 (to nearest, ties to even).</li>
 * </ul>
 * Archives this cannot read (another pickle protocol, unknown opcodes, big-endian storages, no float32 storage) are
 * refused with a message; the caller then has no low-precision model. Whether the converted module computes what the
 * original does (code that builds float32 tensors itself would mix types) is checked by the caller on a probe batch.
 */
final class Bfloat16Archive {

    private static final byte[] FLOAT_GLOBAL = "ctorch\nFloatStorage\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BF16_GLOBAL = "ctorch\nBFloat16Storage\n".getBytes(StandardCharsets.US_ASCII);
    /** Largest archive rewritten in memory (the model's bytes are held twice while it is). */
    static final long MAX_BYTES = 2L << 30;

    private Bfloat16Archive() {}

    /** The rewritten archive of {@code file}. */
    static byte[] of(Path file) throws IOException {
        return rewrite(entries(file), file.toString());
    }

    /**
     * Null when rewriting {@code spec}'s two archives in memory fits in the Java heap (it holds an archive's bytes about
     * three times: read, converted, zipped), else why not; {@code how} names the rewrite ("in bfloat16").
     */
    static String heapShortfall(org.latentlab.api.model.ModelSpec spec, String how) {
        long need;
        try {
            need = 3 * (Files.size(spec.decoderFile()) + Files.size(spec.encoderFile()));
        } catch (IOException e) {
            return "the model files cannot be read: " + e.getMessage();
        }
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (need > free) {
            return String.format(java.util.Locale.ROOT, "rewriting %s %s needs about %d MB of Java heap, %d MB are free "
                    + "(-Xmx through LATENTLAB_JAVA_OPTS)", spec.name(), how, need >> 20, free >> 20);
        }
        return null;
    }

    /** The entries of the archive {@code file}, by name. */
    static Map<String, byte[]> entries(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new IOException(file + " is " + size + " bytes, above the " + MAX_BYTES + " rewritten in memory");
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        // (ZipFile, not ZipInputStream: torch.jit.save writes stored entries with data descriptors, which a stream
        // reader refuses)
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (!e.isDirectory()) {
                    try (InputStream in = zip.getInputStream(e)) {
                        entries.put(e.getName(), in.readAllBytes());
                    }
                }
            }
        }
        return entries;
    }

    static byte[] rewrite(Map<String, byte[]> entries, String what) throws IOException {
        if (entries.isEmpty()) {
            throw new IOException(what + " is not a TorchScript archive (no zip entries)");
        }
        Map<String, byte[]> out = new LinkedHashMap<>(entries);
        int converted = 0;
        for (String name : entries.keySet()) {
            String folder;
            if (name.endsWith("/data.pkl")) {
                folder = name.substring(0, name.length() - "data.pkl".length()) + "data/";
            } else if (name.endsWith("/constants.pkl")) {
                folder = name.substring(0, name.length() - "constants.pkl".length()) + "constants/";
            } else {
                continue;
            }
            String prefix = name.substring(0, name.lastIndexOf('/') + 1);
            byte[] order = entries.get(prefix + "byteorder");
            if (order != null && !new String(order, StandardCharsets.US_ASCII).trim().equals("little")) {
                throw new IOException(what + " stores its tensors big-endian");
            }
            byte[] pickle = entries.get(name);
            Scan scan = scan(pickle, what + ":" + name);
            Set<String> keys = scan.keys();
            if (keys.isEmpty()) {
                continue;
            }
            for (String key : keys) {
                String data = folder + key;
                byte[] values = entries.get(data);
                if (values == null || values.length % 4 != 0) {
                    throw new IOException(what + ": float32 storage " + data + " is missing or not a whole number of floats");
                }
                out.put(data, toBfloat16(values));
                converted++;
            }
            out.put(name, retype(pickle, scan.globals()));
        }
        if (converted == 0) {
            throw new IOException(what + " has no float32 tensors to convert");
        }
        return zip(out);
    }

    /** float32 values (little-endian) rounded to bfloat16, to nearest with ties to even; NaN stays NaN. */
    static byte[] toBfloat16(byte[] floats) {
        ByteBuffer in = ByteBuffer.wrap(floats).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(floats.length / 2).order(ByteOrder.LITTLE_ENDIAN);
        while (in.remaining() >= 4) {
            out.putShort(bfloat16(in.getFloat()));
        }
        return out.array();
    }

    static short bfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40); // keep it a (quiet) NaN
        }
        bits += 0x7FFF + ((bits >>> 16) & 1);
        return (short) (bits >>> 16);
    }

    static float toFloat(short bf) {
        return Float.intBitsToFloat((bf & 0xFFFF) << 16);
    }

    /** What a pickle walk found: the float32 storages' keys and where the GLOBAL opcodes naming their type start. */
    record Scan(Set<String> keys, List<Integer> globals) {}

    /**
     * Keys of the storages whose type is {@code torch FloatStorage}: in TorchScript's pickles a storage is the tuple
     * ('storage', type, key, location, size) given to BINPERSID, so the key is the first value after the type.
     */
    static Scan scan(byte[] p, String what) throws IOException {
        Map<Integer, String> memo = new HashMap<>();
        Set<String> keys = new HashSet<>();
        List<Integer> globals = new ArrayList<>();
        String last = null; // the string value the last opcode pushed, if any
        boolean wantKey = false;
        int i = 0;
        while (i < p.length) {
            int op = p[i++] & 0xFF;
            String value = null;
            switch (op) {
                case 0x80 -> { // PROTO
                    int protocol = p[i++] & 0xFF;
                    if (protocol > 3) {
                        throw new IOException(what + ": pickle protocol " + protocol + " (TorchScript writes 2)");
                    }
                }
                case 'c' -> { // GLOBAL module\nname\n
                    int a = indexOf(p, (byte) '\n', i);
                    int b = indexOf(p, (byte) '\n', a + 1);
                    value = new String(p, i, a - i, StandardCharsets.UTF_8) + " " + new String(p, a + 1, b - a - 1, StandardCharsets.UTF_8);
                    if ("torch FloatStorage".equals(value)) {
                        globals.add(i - 1);
                    }
                    i = b + 1;
                }
                case 'q' -> memo.put(p[i++] & 0xFF, last); // BINPUT
                case 'r' -> { // LONG_BINPUT
                    memo.put(int4(p, i), last);
                    i += 4;
                }
                case 0x94 -> memo.put(memo.size(), last); // MEMOIZE
                case 'h' -> value = memo.get(p[i++] & 0xFF); // BINGET
                case 'j' -> { // LONG_BINGET
                    value = memo.get(int4(p, i));
                    i += 4;
                }
                case 'X', 'T' -> { // BINUNICODE, BINSTRING
                    int n = int4(p, i);
                    value = new String(p, i + 4, n, StandardCharsets.UTF_8);
                    i += 4 + n;
                }
                case 0x8c, 'U' -> { // SHORT_BINUNICODE, SHORT_BINSTRING
                    int n = p[i] & 0xFF;
                    value = new String(p, i + 1, n, StandardCharsets.UTF_8);
                    i += 1 + n;
                }
                case 'B' -> i += 4 + int4(p, i); // BINBYTES
                case 'C' -> i += 1 + (p[i] & 0xFF); // SHORT_BINBYTES
                case 'J' -> i += 4; // BININT
                case 'K' -> i += 1; // BININT1
                case 'M' -> i += 2; // BININT2
                case 0x8a -> i += 1 + (p[i] & 0xFF); // LONG1
                case 0x8b -> i += 4 + int4(p, i); // LONG4
                case 'G' -> i += 8; // BINFLOAT
                case '(', '.', '0', '1', '2', 'N', 0x88, 0x89, ')', 't', 0x85, 0x86, 0x87, ']', 'a', 'e', 'l', '}', 'd', 's',
                        'u', 'b', 'R', 0x81, 'Q', 'o', 0x8f, 0x90, 0x91, 0x92 -> {
                    if (op == '.') {
                        return new Scan(keys, globals);
                    }
                }
                default -> throw new IOException(what + ": pickle opcode 0x" + Integer.toHexString(op) + " at byte " + (i - 1)
                        + " is not one TorchScript writes");
            }
            if (op == 'q' || op == 'r' || op == 0x94) {
                continue; // memoizing keeps the pushed value current
            }
            if (wantKey && value != null) {
                keys.add(value);
                wantKey = false;
            } else if ("torch FloatStorage".equals(value)) {
                wantKey = true;
            } else if (value == null && wantKey && op != '(') {
                throw new IOException(what + ": a FloatStorage at byte " + (i - 1) + " is not followed by its key");
            }
            last = value;
        }
        throw new IOException(what + ": the pickle ends without STOP");
    }

    private static int indexOf(byte[] p, byte b, int from) throws IOException {
        for (int i = from; i < p.length; i++) {
            if (p[i] == b) {
                return i;
            }
        }
        throw new IOException("truncated pickle: no newline after byte " + from);
    }

    private static int int4(byte[] p, int i) {
        return (p[i] & 0xFF) | (p[i + 1] & 0xFF) << 8 | (p[i + 2] & 0xFF) << 16 | (p[i + 3] & 0xFF) << 24;
    }

    /** The pickle with each GLOBAL torch FloatStorage at {@code at} naming torch BFloat16Storage instead. */
    static byte[] retype(byte[] pickle, List<Integer> at) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(pickle.length + at.size() * 3);
        int from = 0;
        for (int start : at) {
            out.write(pickle, from, start - from);
            out.write(BF16_GLOBAL, 0, BF16_GLOBAL.length);
            from = start + FLOAT_GLOBAL.length;
        }
        out.write(pickle, from, pickle.length - from);
        return out.toByteArray();
    }

    /** Stored (uncompressed) entries, as torch.jit.save writes them. */
    static byte[] zip(Map<String, byte[]> entries) throws IOException {
        return StoredZip.of(entries);
    }
}
