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
import org.osgi.service.component.annotations.Component;

/**
 * The latent vector field v(z) = f(z) − z on the plane of the two principal components of the seeds
 * and end points, for pictures: a grid of projected field vectors, the attractors, and trajectories
 * (recorded paths when the strategy kept them, else seed → end point). With latent dimension 2 the
 * plane is the latent space itself. The picture itself is drawn by {@link LatentFieldSection} from a
 * {@link LatentField} artifact.
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
        Tensor seeds = ctx.seeds();
        int n = seeds.rows();
        int k = seeds.width();
        List<Trajectory> ts = ctx.trajectories();
        // PCA of seeds and end points together
        double[] mean = new double[k];
        int count = 0;
        List<float[]> pts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pts.add(seeds.row(i));
            if (ts.get(i).converged()) {
                pts.add(ts.get(i).endpoint());
            }
        }
        for (float[] p : pts) {
            for (int j = 0; j < k; j++) {
                mean[j] += p[j];
            }
            count++;
        }
        for (int j = 0; j < k; j++) {
            mean[j] /= count;
        }
        double[][] u = new double[2][k];
        double[] explained = {1, 0};
        if (k == 2) {
            u[0][0] = 1;
            u[1][1] = 1;
        } else {
            RealMatrix cov = new Array2DRowRealMatrix(k, k);
            for (float[] p : pts) {
                for (int a = 0; a < k; a++) {
                    for (int b = a; b < k; b++) {
                        cov.addToEntry(a, b, (p[a] - mean[a]) * (p[b] - mean[b]));
                    }
                }
            }
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
        double[][] seeds2d = project(seedsList(seeds), mean, u);
        List<float[]> ends = new ArrayList<>();
        for (Trajectory t : ts) {
            ends.add(t.endpoint());
        }
        double[][] ends2d = project(ends, mean, u);
        List<float[]> atts = new ArrayList<>();
        for (Attractor a : ctx.attractors()) {
            atts.add(a.latent());
        }
        double[][] atts2d = project(atts, mean, u);
        double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE};
        double[] hi = {-Double.MAX_VALUE, -Double.MAX_VALUE};
        for (double[][] set : new double[][][] {seeds2d, ends2d, atts2d}) {
            for (double[] p : set) {
                for (int c = 0; c < 2; c++) {
                    if (Double.isFinite(p[c])) {
                        lo[c] = Math.min(lo[c], p[c]);
                        hi[c] = Math.max(hi[c], p[c]);
                    }
                }
            }
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
        int maxPaths = Math.min(params.getInt("trajectories", 150), n);
        List<double[][]> paths = new ArrayList<>();
        List<Integer> pathLabels = new ArrayList<>();
        int stride = Math.max(1, n / Math.max(1, maxPaths));
        for (int i = 0; i < n && paths.size() < maxPaths; i += stride) {
            Trajectory t = ts.get(i);
            List<float[]> p = t.path() != null ? java.util.Arrays.asList(t.path()) : List.of(seeds.row(i), t.endpoint());
            paths.add(project(p, mean, u));
            pathLabels.add(ctx.labels()[i]);
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

    private static List<float[]> seedsList(Tensor seeds) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < seeds.rows(); i++) {
            out.add(seeds.row(i));
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
