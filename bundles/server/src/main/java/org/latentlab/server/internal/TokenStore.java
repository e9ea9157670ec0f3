package org.latentlab.server.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The API token: created at first start, shown once, stored only as its SHA-256 hash (file
 * readable by the owner only). Checks compare hashes in constant time.
 */
final class TokenStore {

    private final Path file;
    private volatile byte[] hash;

    TokenStore(Path file) throws IOException {
        this.file = file;
        if (Files.isRegularFile(file)) {
            hash = HexFormat.of().parseHex(Files.readString(file).trim());
        }
    }

    boolean exists() {
        return hash != null;
    }

    /** Makes a new token, replacing any old one; returns it (the only time it is seen in clear). */
    synchronized String create() throws IOException {
        byte[] raw = new byte[24];
        new SecureRandom().nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        byte[] h = sha256(token);
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, HexFormat.of().formatHex(h));
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        hash = h;
        return token;
    }

    boolean matches(String token) {
        byte[] h = hash;
        return token != null && h != null && MessageDigest.isEqual(h, sha256(token));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
