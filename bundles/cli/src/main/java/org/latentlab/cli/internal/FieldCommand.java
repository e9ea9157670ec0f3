package org.latentlab.cli.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelLoader;
import org.latentlab.io.IoErrors;
import org.latentlab.io.LatentPoints;
import org.latentlab.io.OutputFolder;
import org.latentlab.launcher.spi.CommandLines;
import org.latentlab.launcher.spi.CommandLines.BadUsage;
import org.latentlab.launcher.spi.Subcommand;
import org.latentlab.npy.Npy;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code latentlab field}: the latent vector field v(z) = f(z) − z at given points, or on a 2-D grid
 * (latent dimension 2, or a plane through three chosen latent points).
 */
@Component(property = {Subcommand.NAME + "=field",
        Subcommand.SUMMARY + "=evaluate the latent vector field v(z) = E(D(z)) - z on points or a 2-D grid"})
public class FieldCommand implements Subcommand {

    /** The options of {@code latentlab field}. */
    @Command(name = "latentlab field", sortOptions = false,
            customSynopsis = "latentlab field --model DIR (--points FILE.npy | --grid X0:X1:NX,Y0:Y1:NY [--plane FILE.npy]) --out DIR",
            description = "Evaluates the latent vector field v(z) = E(D(z)) - z at given points or on a 2-D grid.")
    static final class Options {
        @Mixin
        CommandLines.Help help;
        @Option(names = "--model", paramLabel = "DIR", description = "the model folder")
        Path model;
        @Option(names = "--points", paramLabel = "FILE.npy", description = "latent points [n, latentDim]")
        Path points;
        @Option(names = "--grid", paramLabel = "SPEC", description = "a regular grid of NX x NY points in plane coordinates (a, b)")
        String grid;
        @Option(names = "--plane", paramLabel = "FILE.npy", description = "three latent points [3, latentDim]: the plane through them,"
                + " origin at the first, axes from the first to the second and third (orthonormalised); needed unless latentDim is 2")
        Path plane;
        @Option(names = "--out", paramLabel = "DIR", description = "points.npy [n, k], field.npy [n, k] (v = f(z) - z); with --grid also"
                + " grid.npy [n, 2] (a, b) and field2d.npy [n, 2] (v projected on the plane axes); a new or empty folder, or an"
                + " earlier field output (its files are replaced)")
        Path out;

        /** Refuses incomplete or conflicting options; returns the grid's (a, b) pairs, or null without --grid. */
        float[] check() {
            if (model == null || out == null || (points == null) == (grid == null)) {
                throw new BadUsage("need --model, --out and one of --points or --grid");
            }
            if (plane != null && grid == null) {
                throw new BadUsage("--plane goes with --grid");
            }
            return grid == null ? null : grid(grid);
        }
    }

    @Reference
    ModelLoader models;

    /** Rows per call of the model: bounds the memory of the decoded inputs. */
    static final int BATCH = 4096;

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        Options o = new Options();
        return CommandLines.run("field", o, argv, out, err, () -> field(o, o.check(), out, err));
    }

    private int field(Options o, float[] ab, PrintStream out, PrintStream err) {
        Path outDir = o.out.toAbsolutePath();
        try (OutputFolder folder = OutputFolder.open(outDir, OutputFolder.FIELD);
                LatentModel model = models.load(o.model.toAbsolutePath())) {
            int k = model.spec().latentDim();
            Plane plane = null;
            Tensor z;
            if (o.points != null) {
                z = LatentPoints.read(o.points.toAbsolutePath(), "--points", -1, k);
            } else {
                plane = o.plane != null
                        ? Plane.through(LatentPoints.read(o.plane.toAbsolutePath(), "--plane", 3, k))
                        : Plane.identity(k);
                requireMemory(ab.length / 2, k);
                z = plane.embed(ab);
                LatentPoints.requireFinite("--grid " + o.grid + " in the latent space", z.data(), k, 0);
            }
            int n = z.rows();
            requireMemory(n, k);
            float[] v = field(model, z);
            Path dir = folder.staging();
            write(dir.resolve("points.npy"), new int[] {n, k}, z.data());
            write(dir.resolve("field.npy"), new int[] {n, k}, v);
            if (plane != null) {
                write(dir.resolve("grid.npy"), new int[] {n, 2}, ab);
                write(dir.resolve("field2d.npy"), new int[] {n, 2}, plane.project(v, n));
            }
            folder.publish();
            double max = 0;
            double sum = 0;
            for (int r = 0; r < n; r++) {
                double s = 0;
                for (int j = 0; j < k; j++) {
                    s += (double) v[r * k + j] * v[r * k + j];
                }
                max = Math.max(max, Math.sqrt(s));
                sum += Math.sqrt(s);
            }
            out.printf(Locale.ROOT, "v(z) at %d points: mean |v| %.4g, max |v| %.4g. Written to %s%n", n, sum / n, max, outDir);
            return 0;
        } catch (LatentLabException e) {
            err.println("field: " + e.getMessage());
            return 1;
        }
    }

    /** v(z) = E(D(z)) - z, {@link #BATCH} points at a time. */
    static float[] field(LatentModel model, Tensor z) {
        int n = z.rows();
        int k = z.width();
        float[] v = new float[n * k];
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            Tensor zb = z.slice(from, to);
            float[] fz = model.encode(model.decode(zb)).data();
            for (int i = 0; i < fz.length; i++) {
                v[from * k + i] = fz[i] - zb.data()[i];
            }
        }
        return v;
    }

    /** Points, field and grid arrays must fit in one Java array each and in the free memory. */
    static void requireMemory(long n, int k) {
        long values = n * k;
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        long need = 4 * (2 * values + 4 * n);
        if (values > Integer.MAX_VALUE - 8 || need > free) {
            throw new LatentLabException(String.format(Locale.ROOT, "%d points of dimension %d need %d MB of memory, %d MB are"
                    + " free: use fewer points or a coarser --grid", n, k, need >> 20, free >> 20));
        }
    }

    private static void write(Path file, int[] shape, float[] data) {
        try {
            Npy.writeFloats(file, shape, data);
        } catch (IOException e) {
            throw new LatentLabException("cannot write " + file.getFileName() + ": " + IoErrors.describe(e), e);
        }
    }

    /** "x0:x1:nx,y0:y1:ny" to row-major (a, b) pairs. */
    static float[] grid(String spec) {
        String[] axes = spec.split(",", -1);
        if (axes.length != 2) {
            throw new BadUsage("--grid must look like X0:X1:NX,Y0:Y1:NY, got " + spec);
        }
        double[][] ax = new double[2][];
        for (int i = 0; i < 2; i++) {
            String[] p = axes[i].split(":", -1);
            try {
                if (p.length != 3) {
                    throw new NumberFormatException();
                }
                ax[i] = new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1]), Integer.parseInt(p[2].trim())};
            } catch (NumberFormatException e) {
                throw new BadUsage("--grid axis '" + axes[i] + "' must be FROM:TO:COUNT");
            }
            if (!Double.isFinite(ax[i][0]) || !Double.isFinite(ax[i][1]) || Math.abs(ax[i][0]) > 1e30 || Math.abs(ax[i][1]) > 1e30) {
                throw new BadUsage("--grid axis '" + axes[i] + "': FROM and TO must be finite numbers of magnitude at most 1e30");
            }
            if (ax[i][2] < 1 || ax[i][2] > 10000) {
                throw new BadUsage("--grid axis '" + axes[i] + "': COUNT must be 1..10000");
            }
        }
        int nx = (int) ax[0][2];
        int ny = (int) ax[1][2];
        float[] out = new float[2 * nx * ny];
        for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
                int r = j * nx + i;
                out[2 * r] = (float) (nx == 1 ? ax[0][0] : ax[0][0] + (ax[0][1] - ax[0][0]) * i / (nx - 1));
                out[2 * r + 1] = (float) (ny == 1 ? ax[1][0] : ax[1][0] + (ax[1][1] - ax[1][0]) * j / (ny - 1));
            }
        }
        return out;
    }

    /** A 2-D affine plane in latent space: origin + a·u + b·w with orthonormal u, w. */
    record Plane(double[] origin, double[] u, double[] w) {

        static Plane identity(int k) {
            if (k != 2) {
                throw new LatentLabException("latentDim is " + k + ": a grid needs --plane FILE.npy with three latent points");
            }
            return new Plane(new double[] {0, 0}, new double[] {1, 0}, new double[] {0, 1});
        }

        /** Through three checked latent points [3, k]. */
        static Plane through(Tensor p) {
            int k = p.width();
            double[] o = new double[k];
            double[] u = new double[k];
            double[] w = new double[k];
            for (int j = 0; j < k; j++) {
                o[j] = p.data()[j];
                u[j] = p.data()[k + j] - o[j];
                w[j] = p.data()[2 * k + j] - o[j];
            }
            normalise(u, "second");
            double d = dot(u, w);
            for (int j = 0; j < k; j++) {
                w[j] -= d * u[j];
            }
            normalise(w, "third");
            return new Plane(o, u, w);
        }

        Tensor embed(float[] ab) {
            int n = ab.length / 2;
            int k = origin.length;
            float[] z = new float[n * k];
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < k; j++) {
                    z[r * k + j] = (float) (origin[j] + ab[2 * r] * u[j] + ab[2 * r + 1] * w[j]);
                }
            }
            return Tensor.matrix(n, k, z);
        }

        float[] project(float[] v, int n) {
            int k = origin.length;
            float[] out = new float[2 * n];
            for (int r = 0; r < n; r++) {
                double a = 0;
                double b = 0;
                for (int j = 0; j < k; j++) {
                    a += v[r * k + j] * u[j];
                    b += v[r * k + j] * w[j];
                }
                out[2 * r] = (float) a;
                out[2 * r + 1] = (float) b;
            }
            return out;
        }

        private static void normalise(double[] x, String which) {
            double n = Math.sqrt(dot(x, x));
            if (n < 1e-12) {
                throw new LatentLabException("--plane: the " + which + " point does not span a new direction");
            }
            for (int j = 0; j < x.length; j++) {
                x[j] /= n;
            }
        }

        private static double dot(double[] a, double[] b) {
            double s = 0;
            for (int j = 0; j < a.length; j++) {
                s += a[j] * b[j];
            }
            return s;
        }
    }
}
