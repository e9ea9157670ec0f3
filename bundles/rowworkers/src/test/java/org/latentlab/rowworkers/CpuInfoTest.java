package org.latentlab.rowworkers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@link CpuInfo}: a field by its exact key, empty for a key that is only a prefix of one or is not there. */
class CpuInfoTest {

    @Test
    void fieldsByTheirExactKey() {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/cpuinfo")), "Linux's /proc/cpuinfo");
        assertEquals("0", CpuInfo.field("processor"), "the first processor's number");
        assertFalse(CpuInfo.field("vendor_id").isEmpty());
        assertEquals(CpuInfo.field("vendor_id"), Float32OneDnn.cpuVendor());
        assertEquals("", CpuInfo.field("vendor"), "a prefix of vendor_id is not a key");
        assertEquals("", CpuInfo.field("no such key"));
    }
}
