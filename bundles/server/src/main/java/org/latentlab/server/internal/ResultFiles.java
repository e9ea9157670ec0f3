package org.latentlab.server.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** A job's result folder as the API serves it: only files whose real path lies inside the folder's real path. */
final class ResultFiles {

    private ResultFiles() {}

    /**
     * The file {@code name} of job {@code id}, if it exists.
     *
     * @throws ApiException 400 for a name that climbs out, 403 for a link inside that leads out
     */
    static Optional<Path> file(String id, Path folder, String name) {
        Path dir = folder.toAbsolutePath().normalize();
        Path f = dir.resolve(name).normalize();
        if (!f.startsWith(dir) || name.contains("..")) {
            throw new ApiException(400, "bad file name '" + name + "'");
        }
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        if (!ModelRoots.inside(f, dir)) {
            throw new ApiException(403, "job '" + id + "': '" + name + "' leads outside the job folder; not served");
        }
        return Optional.of(f);
    }

    /** The folder's files, relative and sorted; hidden files and links that lead out are not listed. */
    static List<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> !Files.isSymbolicLink(p) || ModelRoots.inside(p, dir))
                    .map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }
}
