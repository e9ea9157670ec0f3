package org.latentlab.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** {@link StoredZip}: what it writes reads back, entry by entry, stored and in order, whatever the sizes. */
class StoredZipTest {

    @Test
    void entriesReadBackStoredInTheirOrder() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        byte[] big = new byte[3 << 20]; // megabytes, as a model's weights
        new Random(5).nextBytes(big);
        entries.put("archive/data/0", big);
        entries.put("archive/empty", new byte[0]);
        entries.put("archive/ünïcödé/名前", new byte[] {1, 2, 3});
        byte[] zip = StoredZip.of(entries);
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (Map.Entry<String, byte[]> want : entries.entrySet()) {
                ZipEntry e = in.getNextEntry();
                assertEquals(want.getKey(), e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
                assertArrayEquals(want.getValue(), in.readAllBytes(), e.getName()); // (the stream checks the CRC)
            }
            assertNull(in.getNextEntry());
        }
    }
}
