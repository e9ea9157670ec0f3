package org.latentlab.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Says what went wrong in an {@link IOException}. Java's file exceptions often carry only a path
 * ({@code NoSuchFileException: /a/b}), which is useless as an error message on its own.
 */
public final class IoErrors {

    private IoErrors() {}

    /** "FILE: no such file or folder", "FILE: permission denied", ...; other messages unchanged. */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": " + reason(e);
        }
        return reason(e);
    }

    /** What went wrong without the file name: "no such file or folder", "read-only file system", ... */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException f) {
            return e instanceof NoSuchFileException ? "no such file or folder"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof FileAlreadyExistsException ? "already exists"
                    : e instanceof NotDirectoryException ? "not a folder"
                    : e instanceof DirectoryNotEmptyException ? "folder not empty"
                    : f.getReason() != null ? lowerFirst(f.getReason())
                    : f.getFile() == null && f.getMessage() != null ? f.getMessage() : e.getClass().getSimpleName();
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() || s.length() > 1 && Character.isUpperCase(s.charAt(1)) ? s
                : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
