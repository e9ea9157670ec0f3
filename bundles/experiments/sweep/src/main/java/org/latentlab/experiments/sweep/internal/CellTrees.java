package org.latentlab.experiments.sweep.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/** Takes a finished cell folder over from a published sweep: hard links (copies where links are not supported). */
final class CellTrees {

    private CellTrees() {}

    /**
     * Recreates {@code from} at {@code to} with its regular files linked, under a hidden name first and renamed at the
     * end, so {@code to} is whole or absent like any cell folder.
     */
    static void link(Path from, Path to) throws IOException {
        Path tmp = to.resolveSibling("." + to.getFileName() + ".latentlab-staging-link");
        deleteTree(tmp);
        try (Stream<Path> s = Files.walk(from)) {
            List<Path> all = s.sorted().toList();
            for (Path p : all) {
                Path t = tmp.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(t);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Files.createLink(t, p);
                    } catch (UnsupportedOperationException | IOException e) {
                        Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
        Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE);
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
