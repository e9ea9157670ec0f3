package org.latentlab.experiments.sweep.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.latentlab.api.result.FieldValue;
import org.latentlab.api.sweep.CellResult;
import org.latentlab.api.sweep.SweepCellRunner;
import org.latentlab.npy.Npy;

/**
 * The files of a cell folder that the sweep reads back: {@code cell.json} (the {@link CellResult}, written last)
 * and the gallery ({@code gallery.json} with {@code gallery-attractors.npy} / {@code gallery-nearest.npy}).
 */
final class CellFiles {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    static final String GALLERY = "gallery.json";
    static final String GALLERY_ATTRACTORS = "gallery-attractors.npy";
    static final String GALLERY_NEAREST = "gallery-nearest.npy";

    private CellFiles() {}

    static void write(Path cellDir, CellResult result) throws IOException {
        JSON.writeValue(cellDir.resolve(SweepCellRunner.CELL_FILE).toFile(), result);
    }

    /** The result in a cell folder, if it holds a readable one. */
    static Optional<CellResult> read(Path cellDir) {
        Path f = cellDir.resolve(SweepCellRunner.CELL_FILE);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(f.toFile(), CellResult.class));
        } catch (IOException e) {
            return Optional.empty(); // unreadable: the cell runs again
        }
    }

    /** What the gallery of a cell holds besides its pictures. */
    record GalleryInfo(int[] attractorIds, double[] memorization, double[] basinShare) {}

    static void writeGallery(Path cellDir, GalleryInfo info, int[] imageShape, float[] attractors, float[] nearest)
            throws IOException {
        int m = info.attractorIds().length;
        int[] shape = new int[imageShape.length + 1];
        shape[0] = m;
        System.arraycopy(imageShape, 0, shape, 1, imageShape.length);
        Npy.writeFloats(cellDir.resolve(GALLERY_ATTRACTORS), shape, attractors);
        Npy.writeFloats(cellDir.resolve(GALLERY_NEAREST), shape, nearest);
        JSON.writeValue(cellDir.resolve(GALLERY).toFile(), info);
    }

    /** The gallery of a finished cell, for the report; empty when it has none. */
    static Optional<SweepResult.Gallery> readGallery(Path cellDir, String cellId, String label) {
        try {
            Path info = cellDir.resolve(GALLERY);
            if (!Files.isRegularFile(info)) {
                return Optional.empty();
            }
            GalleryInfo g = JSON.readValue(info.toFile(), GalleryInfo.class);
            var a = Npy.readFloats(cellDir.resolve(GALLERY_ATTRACTORS));
            var n = Npy.readFloats(cellDir.resolve(GALLERY_NEAREST));
            return Optional.of(new SweepResult.Gallery(cellId, label, images(a.shape(), a.data()), images(n.shape(), n.data()),
                    g.memorization(), g.basinShare()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // the report shows the cell without pictures
        }
    }

    private static List<FieldValue.Image> images(int[] shape, float[] data) {
        int m = shape[0];
        int[] row = java.util.Arrays.copyOfRange(shape, 1, shape.length);
        int w = m == 0 ? 0 : data.length / m;
        java.util.List<FieldValue.Image> out = new java.util.ArrayList<>();
        for (int i = 0; i < m; i++) {
            out.add(new FieldValue.Image(row, java.util.Arrays.copyOfRange(data, i * w, (i + 1) * w)));
        }
        return out;
    }
}
