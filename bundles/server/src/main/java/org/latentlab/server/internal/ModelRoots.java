package org.latentlab.server.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.latentlab.api.model.ModelSpec;

/**
 * The folders under which model folders and seed files may lie: the one place that decides which
 * paths a request may touch. Every check is made on real paths (symbolic links resolved), so a link
 * inside a root cannot reach a file outside the roots; relative paths, '..' that climbs out and
 * malformed paths (NUL) are refused, never resolved against the server's working directory. A root
 * that does not exist (removed while the server runs) holds nothing. Built from the configuration
 * in force for each request, so a changed {@code modelRoots} applies to the next request.
 */
final class ModelRoots {

    private final List<Path> roots;

    ModelRoots(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    List<Path> paths() {
        return roots;
    }

    /**
     * The real path of an existing file or folder under the roots.
     *
     * @throws ApiException 400 for a malformed, relative or missing path, 403 for one outside the roots
     */
    Path resolve(String path, String what) {
        Path p;
        try {
            p = Path.of(path);
        } catch (InvalidPathException e) {
            throw new ApiException(400, what + " '" + path + "' is not a valid path: " + e.getReason());
        }
        if (!p.isAbsolute()) {
            throw new ApiException(400, what + " '" + path + "' is not an absolute path; give its full path under the model roots "
                    + roots);
        }
        p = p.normalize();
        List<Path> real = realRoots();
        Path asGiven = p;
        if (roots.stream().noneMatch(asGiven::startsWith) && real.stream().noneMatch(asGiven::startsWith)) {
            throw new ApiException(403, what + " " + p + " is outside the configured model roots " + roots);
        }
        Path target;
        try {
            target = p.toRealPath();
        } catch (IOException e) {
            throw new ApiException(400, what + " " + p + " does not exist");
        }
        if (real.stream().noneMatch(target::startsWith)) {
            throw new ApiException(403, what + " " + p + " leads (through a symbolic link) to " + target
                    + ", outside the configured model roots " + roots);
        }
        return target;
    }

    /**
     * The real path of an existing folder under the roots.
     *
     * @throws ApiException as {@link #resolve}, and 400 for a file where a folder is expected
     */
    Path resolveFolder(String path, String what) {
        Path folder = resolve(path, what);
        if (!Files.isDirectory(folder)) {
            throw new ApiException(400, what + " " + folder + " is a file, not a folder");
        }
        return folder;
    }

    /**
     * Refuses a model whose encoder or decoder file, or any file linked from its folder (e.g. the
     * weights of a layer stack), really lies outside the roots.
     *
     * @throws ApiException 403 naming the file and where it leads
     */
    void checkModelFiles(ModelSpec spec) {
        List<Path> real = realRoots();
        List<Path> files = new ArrayList<>(List.of(spec.encoderFile(), spec.decoderFile()));
        try (Stream<Path> s = Files.walk(spec.folder(), 3)) {
            s.filter(Files::isSymbolicLink).forEach(files::add);
        } catch (IOException e) {
            throw new ApiException(400, "model folder " + spec.folder() + " cannot be read: " + e.getMessage());
        }
        for (Path f : files) {
            Path target;
            try {
                target = f.toRealPath();
            } catch (IOException e) {
                continue; // a missing or dangling file loads nothing; loading the model reports it
            }
            if (real.stream().noneMatch(target::startsWith)) {
                throw new ApiException(403, "model folder " + spec.folder() + ": " + spec.folder().relativize(f.normalize())
                        + " leads to " + target + ", outside the configured model roots " + roots);
            }
        }
    }

    /** True when the real path of {@code file} lies inside the real path of {@code folder}. */
    static boolean inside(Path file, Path folder) {
        try {
            return file.toRealPath().startsWith(folder.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    private List<Path> realRoots() {
        List<Path> out = new ArrayList<>();
        for (Path r : roots) {
            try {
                out.add(r.toRealPath());
            } catch (IOException e) {
                // a root that does not exist holds nothing
            }
        }
        return out;
    }
}
