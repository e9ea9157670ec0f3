package org.latentlab.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A zip archive of stored (uncompressed) entries, as {@code torch.jit.save} writes TorchScript archives: the form
 * libtorch reads the archives the backends and the training rewrite in memory.
 */
public final class StoredZip {

    private StoredZip() {}

    /** The archive of {@code entries} (name to content), in the map's order. */
    public static byte[] of(Map<String, byte[]> entries) throws IOException {
        // sized once: an archive of weights is megabytes, and a growing buffer copied it into ever larger new arrays
        // (the loading of a bfloat16 and a fused float32 version of a model makes four of them)
        long size = 22; // end of central directory
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            size += entry.getValue().length + 2L * entry.getKey().length() * 3 + 30 + 46 + 16 + 64; // headers, slack
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IOException("an archive of " + size + " bytes is too large to make in memory (2 GB at most)");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) size);
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                byte[] data = entry.getValue();
                ZipEntry e = new ZipEntry(entry.getKey());
                e.setMethod(ZipEntry.STORED);
                e.setSize(data.length);
                e.setCompressedSize(data.length);
                CRC32 crc = new CRC32();
                crc.update(data);
                e.setCrc(crc.getValue());
                zip.putNextEntry(e);
                zip.write(data);
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
