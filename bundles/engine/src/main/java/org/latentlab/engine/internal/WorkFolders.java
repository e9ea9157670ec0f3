package org.latentlab.engine.internal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.latentlab.api.LatentLabException;
import org.latentlab.io.IoErrors;

/**
 * An experiment's work folder (partial results that outlive a run) joins the out folder on success. Files
 * are hard-linked (copied where links are not supported) into the staging folder, so a publish that fails
 * still leaves the work folder whole for the next run; the work folder is deleted only after the publish.
 */
final class WorkFolders {

    private WorkFolders() {}

    /** Links every regular file below {@code work} into {@code staging} under the same relative name. */
    static void linkInto(Path work, Path staging) {
        try (Stream<Path> s = Files.walk(work)) {
            List<Path> all = s.sorted().toList();
            for (Path p : all) {
                Path to = staging.resolve(work.relativize(p).toString());
                if (p.equals(work)) {
                    continue;
                }
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(to);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                        throw new LatentLabException("the experiment wrote " + work.relativize(p)
                                + " both as a result and in its work folder " + work);
                    }
                    try {
                        Files.createLink(to, p);
                    } catch (FileAlreadyExistsException e) {
                        throw e;
                    } catch (UnsupportedOperationException | IOException e) { // a file system without hard links
                        Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        } catch (IOException e) {
            throw new LatentLabException("cannot gather the work folder " + work + " into the results: " + IoErrors.describe(e), e);
        }
    }

    /** Deletes a work folder after its files were published; best effort (what is left is only a copy). */
    static void delete(Path work) {
        try (Stream<Path> s = Files.walk(work)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // the results are published; a leftover work folder is only a copy of them
        }
    }
}
