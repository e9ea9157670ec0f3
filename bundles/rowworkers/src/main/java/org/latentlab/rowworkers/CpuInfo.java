package org.latentlab.rowworkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fields of /proc/cpuinfo, which decide the float32 oneDNN layers ({@link Float32OneDnn}) and the backend's bfloat16
 * version (Linux; elsewhere none).
 */
public final class CpuInfo {

    private CpuInfo() {}

    /** The value of the first {@code key : value} line, trimmed, or empty (no such line, not Linux, unreadable). */
    public static String field(String key) {
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
