package org.latentlab.cli.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelLoader;
import org.latentlab.launcher.spi.Subcommand;
import org.latentlab.npy.Npy;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code latentlab field}: the latent vector field v(z) = f(z) − z at given points, or on a 2-D grid
 * (latent dimension 2, or a plane through three chosen latent points).
 */
@Component(property = {Subcommand.NAME + "=field",
        Subcommand.SUMMARY + "=evaluate the latent vector field v(z) = E(D(z)) - z on points or a 2-D grid"})
public class FieldCommand implements Subcommand {

    static final String HELP = """
            Usage: latentlab field --model DIR (--points FILE.npy | --grid X0:X1:NX,Y0:Y1:NY [--plane FILE.npy]) --out DIR

              --points FILE.npy   latent points [n, latentDim]
              --grid SPEC         a regular grid of NX x NY points in plane coordinates (a, b)
              --plane FILE.npy    three latent points [3, latentDim]: the plane through them, origin at the first,
                                  axes from the first to the second and third (orthonormalised); needed unless
                                  latentDim is 2
              --out DIR           points.npy [n, k], field.npy [n, k] (v = f(z) - z); with --grid also
                                  grid.npy [n, 2] (a, b) and field2d.npy [n, 2] (v projected on the plane axes)
            """;

    @Reference
    ModelLoader models;

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        if (argv.contains("--help") || argv.contains("-h")) {
            out.print(HELP);
            return 0;
        }
        Args a;
        try {
            a = new Args(argv, List.of());
            a.allow(List.of("--model", "--points", "--grid", "--plane", "--out"));
            if (a.get("--model") == null || a.get("--out") == null || (a.get("--points") == null) == (a.get("--grid") == null)) {
                throw new Args.UsageException("need --model, --out and one of --points or --grid");
            }
        } catch (Args.UsageException e) {
            err.println("field: " + e.getMessage() + "\n");
            err.print(HELP);
            return 2;
        }
        Path outDir = Path.of(a.get("--out"));
        try (LatentModel model = models.load(Path.of(a.get("--model")).toAbsolutePath())) {
            int k = model.spec().latentDim();
            Plane plane = null;
            Tensor z;
            float[] ab = null;
            if (a.get("--points") != null) {
                Npy.FloatArray p = read(Path.of(a.get("--points")));
                if (p.shape().length != 2 || p.shape()[1] != k) {
                    throw new LatentLabException(a.get("--points") + " has shape " + java.util.Arrays.toString(p.shape())
                            + "; points must be [n, " + k + "]");
                }
                z = Tensor.matrix(p.shape()[0], k, p.data());
            } else {
                plane = a.get("--plane") != null ? Plane.through(read(Path.of(a.get("--plane"))), k) : Plane.identity(k);
                ab = grid(a.get("--grid"));
                z = plane.embed(ab);
            }
            Tensor fz = model.encode(model.decode(z));
            float[] v = new float[z.data().length];
            for (int i = 0; i < v.length; i++) {
                v[i] = fz.data()[i] - z.data()[i];
            }
            Files.createDirectories(outDir);
            int n = z.rows();
            Npy.writeFloats(outDir.resolve("points.npy"), new int[] {n, k}, z.data());
            Npy.writeFloats(outDir.resolve("field.npy"), new int[] {n, k}, v);
            if (plane != null) {
                Npy.writeFloats(outDir.resolve("grid.npy"), new int[] {n, 2}, ab);
                Npy.writeFloats(outDir.resolve("field2d.npy"), new int[] {n, 2}, plane.project(v, n));
            }
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

    private static Npy.FloatArray read(Path p) {
        try {
            return Npy.readFloats(p);
        } catch (IOException e) {
            throw new LatentLabException(e.getMessage());
        }
    }

    /** "x0:x1:nx,y0:y1:ny" to row-major (a, b) pairs. */
    static float[] grid(String spec) {
        String[] axes = spec.split(",");
        if (axes.length != 2) {
            throw new LatentLabException("--grid must look like X0:X1:NX,Y0:Y1:NY, got " + spec);
        }
        double[][] ax = new double[2][];
        for (int i = 0; i < 2; i++) {
            String[] p = axes[i].split(":");
            try {
                ax[i] = new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1]), Integer.parseInt(p[2])};
            } catch (RuntimeException e) {
                throw new LatentLabException("--grid axis '" + axes[i] + "' must be FROM:TO:COUNT");
            }
            if (ax[i][2] < 1 || ax[i][2] > 10000) {
                throw new LatentLabException("--grid axis '" + axes[i] + "': COUNT must be 1..10000");
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

        static Plane through(Npy.FloatArray p, int k) {
            if (p.shape().length != 2 || p.shape()[0] != 3 || p.shape()[1] != k) {
                throw new LatentLabException("--plane needs three latent points, shape [3, " + k + "], got "
                        + java.util.Arrays.toString(p.shape()));
            }
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
