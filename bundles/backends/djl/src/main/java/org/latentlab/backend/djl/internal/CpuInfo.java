package org.latentlab.backend.djl.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fields of /proc/cpuinfo, which decide the bfloat16 version and the float32 oneDNN modules (Linux; elsewhere none). */
final class CpuInfo {

    private CpuInfo() {}

    /** The value of the first {@code key : value} line, trimmed, or empty (no such line, not Linux, unreadable). */
    static String field(String key) {
        try {
            Path info = Path.of("/proc/cpuinfo");
            if (!Files.isReadable(info)) {
                return "";
            }
            try (var lines = Files.lines(info)) {
                return lines.filter(l -> l.startsWith(key) && l.indexOf(':') > 0
                        && l.substring(0, l.indexOf(':')).trim().equals(key)).findFirst()
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("");
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
