package org.latentlab.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * ONNX Runtime's two native libraries, unpacked once into the native cache for ONNX Runtime's
 * {@code onnxruntime.native.path}. Left to itself, ONNX Runtime copies 20 MB into a new
 * {@code /tmp/onnxruntime-java*} folder in every process and leaves the folder behind (the whole 20 MB when the
 * process is killed): thousands of them after a sweep, whose every cell is a process.
 */
final class OnnxRuntimeNatives {

    static final String PROPERTY = "onnxruntime.native.path";
    static final List<String> LIBRARIES = List.of("libonnxruntime.so", "libonnxruntime4j_jni.so");

    private OnnxRuntimeNatives() {
    }

    /** ONNX Runtime's resource folder for this machine, or empty where we leave loading to ONNX Runtime. */
    static Optional<String> platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            return Optional.empty();
        }
        return switch (arch) {
            case "amd64", "x86_64" -> Optional.of("linux-x64");
            case "aarch64" -> Optional.of("linux-aarch64");
            default -> Optional.empty();
        };
    }

    /**
     * The folder holding both libraries of the ONNX Runtime jar that {@code loader} sees, under {@code cache}; unpacked
     * when missing, into a temporary folder moved into place, so processes starting together never load a half-written
     * file. Empty when the jar has no libraries for this platform (ONNX Runtime then does its own loading).
     */
    static Optional<Path> unpack(Path cache, ClassLoader loader, String platform) throws IOException {
        String base = "ai/onnxruntime/native/" + platform + "/";
        URL first = loader.getResource(base + LIBRARIES.get(0));
        if (first == null || loader.getResource(base + LIBRARIES.get(1)) == null) {
            return Optional.empty();
        }
        Path target = cache.resolve("onnxruntime").resolve(jarName(first) + "-" + platform);
        if (complete(target)) {
            return Optional.of(target);
        }
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempDirectory(target.getParent(), ".unpacking-");
        try {
            for (String lib : LIBRARIES) {
                try (InputStream in = loader.getResourceAsStream(base + lib)) {
                    Files.copy(in, tmp.resolve(lib));
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            } catch (java.nio.file.FileSystemException e) {
                // another process was faster (its folder is as good), or worse: the check below tells
            }
        } finally {
            deleteTree(tmp);
        }
        if (!complete(target)) {
            throw new IOException("ONNX Runtime's native libraries are not complete in " + target + " (delete that folder)");
        }
        return Optional.of(target);
    }

    private static boolean complete(Path dir) {
        return LIBRARIES.stream().allMatch(l -> Files.isRegularFile(dir.resolve(l)));
    }

    /** The jar's file name without .jar (it carries the version), e.g. onnxruntime-1.21.1; "classes" otherwise. */
    static String jarName(URL resource) {
        String s = resource.toString();
        int bang = s.indexOf("!/");
        if (!s.startsWith("jar:") || bang < 0) {
            return "classes";
        }
        String jar = s.substring(0, bang);
        jar = jar.substring(jar.lastIndexOf('/') + 1);
        if (jar.endsWith(".jar")) {
            jar = jar.substring(0, jar.length() - 4);
        }
        return jar.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
