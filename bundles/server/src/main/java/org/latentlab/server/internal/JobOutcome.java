package org.latentlab.server.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.latentlab.api.engine.Job;
import org.latentlab.api.engine.JobStatus;

/** The message a finished job keeps, and IO failures said in plain words. */
final class JobOutcome {

    private JobOutcome() {}

    /**
     * The engine's message, or for a failure to write its results (disk full, read-only or broken data
     * folder), what failed and what to do.
     */
    static String finalMessage(Job<?> job, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String msg = cause == null ? job.progress().message() : cause.getMessage();
        Path out = job.request().outDir();
        for (Throwable t = cause; t != null && job.status() == JobStatus.FAILED; t = t.getCause()) {
            // a file system error on the job folder or a folder above it; not, e.g., a model file that is missing
            boolean writing = t instanceof FileSystemException f && f.getFile() != null && out != null
                    && (out.startsWith(Path.of(f.getFile())) || Path.of(f.getFile()).startsWith(out.getParent()));
            if (writing) {
                return cannotWrite(out, notAFolder(out).orElse(describe((IOException) t)));
            }
        }
        // the out folder refused before anything was written (e.g. DATA/jobs replaced by a file): the same advice, not the CLI's
        if (job.status() == JobStatus.FAILED && out != null && msg != null && msg.contains(out.toString())
                && notAFolder(out).isPresent()) {
            return cannotWrite(out, notAFolder(out).get());
        }
        return msg;
    }

    private static String cannotWrite(Path out, String why) {
        return "job failed: cannot write its results to " + out + " (" + why
                + "); check that the data folder is writable and has free space";
    }

    /** "X is a file, not a folder" for the nearest folder above {@code path} that is a file, if any. */
    static Optional<String> notAFolder(Path path) {
        for (Path p = path.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                return Files.isDirectory(p) ? Optional.empty() : Optional.of(p + " is a file, not a folder");
            }
        }
        return Optional.empty();
    }

    /** What happened to an IO operation, without the exception's class name where a plain phrase exists. */
    static String describe(IOException e) {
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " is a file, not a folder";
        }
        if (e instanceof NoSuchFileException f) {
            return f.getFile() + " does not exist";
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied on " + f.getFile();
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason() + ": " + f.getFile();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
