package org.latentlab.metrics.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.metric.Metric;
import org.latentlab.api.metric.MetricContext;
import org.latentlab.api.metric.MetricResult;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.result.FieldValue;
import org.latentlab.api.result.SeedBlock;
import org.latentlab.api.result.SeedRecords;
import org.osgi.service.component.annotations.Component;

/**
 * The latent vector field v(z) = f(z) − z on the plane of the two principal components of the seeds
 * and end points, for pictures: a grid of projected field vectors, the attractors, and trajectories
 * (recorded paths when the strategy kept them, else seed → end point). With latent dimension 2 the
 * plane is the latent space itself. The picture itself is drawn by {@link LatentFieldSection} from a
 * {@link LatentField} artifact. Seeds and end points are read block by block from the per-seed records, so runs of
 * any size work (recorded paths exist only for runs kept in memory).
 */
@Component(property = {ServiceProperties.ID + "=latent-field",
        ServiceProperties.DESCRIPTION + "=vector field and trajectories on the PCA plane of the seeds (for reports)"})
public class LatentFieldMetric implements Metric {

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.integer("grid", 21, 2, 201, "grid points per axis"),
                ParameterSpec.integer("trajectories", 150, 0, 100000, "trajectories drawn at most"),
                ParameterSpec.real("margin", 0.1, 0, 10, "extra room around the points, as a fraction of their range"));
    }

    @Override
    public MetricResult compute(MetricContext ctx, Parameters params) {
        LatentModel model = ctx.model().orElseThrow(() -> new LatentLabException("latent-field needs a model"));
        // read block by block (seeds and end points of any number of seeds; in memory for small runs)
        SeedRecords records = ctx.perSeed();
        long n = records.count();
        int k = records.latentDim();
        List<Trajectory> ts = ctx.perSeedInMemory() ? ctx.trajectories() : List.of();
        // PCA of seeds and end points together (each seed, then its end point when it converged)
        double[] mean = new double[k];
        long[] count = {0};
        records.forEach(BLOCK, b -> forEachPoint(b, p -> {
            for (int j = 0; j < k; j++) {
                mean[j] += p.data()[p.row() * k + j];
            }
            count[0]++;
        }));
        for (int j = 0; j < k; j++) {
            mean[j] /= count[0];
        }
        double[][] u = new double[2][k];
        double[] explained = {1, 0};
        if (k == 2) {
            u[0][0] = 1;
            u[1][1] = 1;
        } else {
            RealMatrix cov = new Array2DRowRealMatrix(k, k);
            records.forEach(BLOCK, b -> forEachPoint(b, p -> {
                float[] d = p.data();
                int o = p.row() * k;
                for (int a = 0; a < k; a++) {
                    for (int c = a; c < k; c++) {
                        cov.addToEntry(a, c, (d[o + a] - mean[a]) * (d[o + c] - mean[c]));
                    }
                }
            }));
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < a; b++) {
                    cov.setEntry(a, b, cov.getEntry(b, a));
                }
            }
            EigenDecomposition eig = new EigenDecomposition(cov);
            double[] vals = eig.getRealEigenvalues();
            Integer[] idx = new Integer[k];
            for (int i = 0; i < k; i++) {
                idx[i] = i;
            }
            java.util.Arrays.sort(idx, (x, y) -> Double.compare(vals[y], vals[x]));
            double total = java.util.Arrays.stream(vals).map(v -> Math.max(0, v)).sum();
            for (int c = 0; c < 2 && c < k; c++) {
                u[c] = eig.getEigenvector(idx[c]).toArray();
                explained[c] = total > 0 ? Math.max(0, vals[idx[c]]) / total : 0;
            }
        }
        List<float[]> atts = new ArrayList<>();
        for (Attractor a : ctx.attractors()) {
            atts.add(a.latent());
        }
        double[][] atts2d = project(atts, mean, u);
        double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE};
        double[] hi = {-Double.MAX_VALUE, -Double.MAX_VALUE};
        java.util.function.Consumer<double[]> bound = p -> {
            for (int c = 0; c < 2; c++) {
                if (Double.isFinite(p[c])) {
                    lo[c] = Math.min(lo[c], p[c]);
                    hi[c] = Math.max(hi[c], p[c]);
                }
            }
        };
        // the paths drawn: every stride-th seed, its recorded path when the strategy kept it, else seed -> end point
        int maxPaths = (int) Math.min(params.getInt("trajectories", 150), n);
        long stride = Math.max(1, n / Math.max(1, maxPaths));
        List<double[][]> paths = new ArrayList<>();
        List<Integer> pathLabels = new ArrayList<>();
        records.forEach(BLOCK, b -> {
            for (int i = 0; i < b.rows(); i++) {
                bound.accept(project(b.seeds().data(), i, mean, u));
                bound.accept(project(b.endpoints().data(), i, mean, u));
                long seed = b.first() + i;
                if (seed % stride == 0 && paths.size() < maxPaths) {
                    Trajectory t = ts.isEmpty() ? null : ts.get((int) seed);
                    List<float[]> p = t != null && t.path() != null ? java.util.Arrays.asList(t.path())
                            : List.of(b.seeds().row(i), b.endpoints().row(i));
                    paths.add(project(p, mean, u));
                    pathLabels.add(b.labels()[i]);
                }
            }
        });
        for (double[] p : atts2d) {
            bound.accept(p);
        }
        double margin = params.getDouble("margin", 0.1);
        for (int c = 0; c < 2; c++) {
            double r = Math.max(hi[c] - lo[c], 1e-6);
            lo[c] -= margin * r;
            hi[c] += margin * r;
        }
        int g = params.getInt("grid", 21);
        float[] grid = new float[g * g * k];
        double[][] ab = new double[g * g][2];
        for (int yi = 0; yi < g; yi++) {
            for (int xi = 0; xi < g; xi++) {
                int r = yi * g + xi;
                ab[r][0] = lo[0] + (hi[0] - lo[0]) * xi / (g - 1);
                ab[r][1] = lo[1] + (hi[1] - lo[1]) * yi / (g - 1);
                for (int j = 0; j < k; j++) {
                    grid[r * k + j] = (float) (mean[j] + ab[r][0] * u[0][j] + ab[r][1] * u[1][j]);
                }
            }
        }
        float[] fz = model.encode(model.decode(Tensor.matrix(g * g, k, grid))).data();
        double[][] v2 = new double[g * g][2];
        for (int r = 0; r < g * g; r++) {
            for (int j = 0; j < k; j++) {
                double v = fz[r * k + j] - grid[r * k + j];
                v2[r][0] += v * u[0][j];
                v2[r][1] += v * u[1][j];
            }
        }
        boolean recorded = ts.stream().anyMatch(t -> t.path() != null);
        double[] bounds = {lo[0], hi[0], lo[1], hi[1]};
        int[] labels = pathLabels.stream().mapToInt(Integer::intValue).toArray();
        return MetricResult.builder()
                .put("mean", FieldValue.of(mean))
                .put("axes", new FieldValue.Items(List.of(FieldValue.of(u[0]), FieldValue.of(u[1]))))
                .put("explainedVariance", FieldValue.of(explained))
                .put("bounds", FieldValue.of(bounds))
                .put("gridSize", g)
                .put("grid", FieldValue.points(ab))
                .put("field", FieldValue.points(v2))
                .put("attractors", FieldValue.points(atts2d))
                .put("paths", new FieldValue.Items(paths.stream().map(FieldValue::points).map(FieldValue.class::cast).toList()))
                .put("pathLabels", FieldValue.ofInts(labels))
                .put("pathsRecorded", recorded)
                .artifact(new LatentField(bounds, ab, v2, atts2d, paths, labels, explained, recorded))
                .build();
    }

    /** Per-seed records read at a time. */
    static final int BLOCK = 8192;

    /** A point: row {@code row} of {@code data} [.., k]. */
    private record Point(float[] data, int row) {}

    /** Each seed of the block, then its end point when it converged (the points of the PCA, in order). */
    private static void forEachPoint(SeedBlock b, java.util.function.Consumer<Point> visit) {
        for (int i = 0; i < b.rows(); i++) {
            visit.accept(new Point(b.seeds().data(), i));
            if (b.converged()[i]) {
                visit.accept(new Point(b.endpoints().data(), i));
            }
        }
    }

    private static double[] project(float[] data, int row, double[] mean, double[][] u) {
        int k = mean.length;
        double[] out = new double[2];
        for (int c = 0; c < 2; c++) {
            double s = 0;
            for (int j = 0; j < k; j++) {
                s += (data[row * k + j] - mean[j]) * u[c][j];
            }
            out[c] = s;
        }
        return out;
    }

    static double[][] project(List<float[]> pts, double[] mean, double[][] u) {
        double[][] out = new double[pts.size()][2];
        for (int i = 0; i < pts.size(); i++) {
            float[] p = pts.get(i);
            for (int c = 0; c < 2; c++) {
                double s = 0;
                for (int j = 0; j < mean.length; j++) {
                    s += (p[j] - mean[j]) * u[c][j];
                }
                out[i][c] = s;
            }
        }
        return out;
    }
}
