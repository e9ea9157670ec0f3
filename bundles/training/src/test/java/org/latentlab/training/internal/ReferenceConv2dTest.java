package org.latentlab.training.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The training convolution ({@link ReferenceConv2d}) against the closed form: its output and, for the loss
 * L = Σ y · c with a fixed c, its gradients dL/db_o = Σ c over o's outputs, dL/dw = Σ c · x at the tap's offset, dL/dx
 * the transposed sum; at strides 1 and 2, with padding; and the same gradients call after call (oneDNN's backward,
 * which it replaces, gave different ones on an AMD EPYC: see the class comment).
 */
class ReferenceConv2dTest {

    @BeforeAll
    static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }

    @Test
    void outputAndGradientsAreTheClosedFormCallAfterCall() {
        Thread.currentThread().setContextClassLoader(Engine.class.getClassLoader());
        Engine engine = Engine.getEngine("PyTorch");
        Random r = new Random(5);
        int n = 6, cin = 4, cout = 3, side = 7;
        for (int[] sp : new int[][] {{1, 1}, {2, 1}, {1, 0}}) {
            int stride = sp[0], pad = sp[1];
            int out = (side + 2 * pad - 3) / stride + 1;
            float[] x = random(r, n * cin * side * side);
            float[] w = random(r, cout * cin * 9);
            float[] b = random(r, cout);
            float[] c = random(r, n * cout * out * out);
            float[][] first = null;
            for (int call = 0; call < 20; call++) {
                try (NDManager m = NDManager.newBaseManager("PyTorch")) {
                    NDArray xa = m.create(x, new Shape(n, cin, side, side));
                    NDArray wa = m.create(w, new Shape(cout, cin, 3, 3));
                    NDArray ba = m.create(b, new Shape(cout));
                    NDArray ca = m.create(c, new Shape(n, cout, out, out));
                    for (NDArray a : new NDArray[] {xa, wa, ba}) {
                        a.setRequiresGradient(true);
                    }
                    float[] y;
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        NDArray ya = ReferenceConv2d.load(m).apply(xa, wa, ba, stride, pad);
                        y = ya.toFloatArray();
                        gc.backward(ya.mul(ca).sum());
                    }
                    float[][] grads = {xa.getGradient().toFloatArray(), wa.getGradient().toFloatArray(), ba.getGradient().toFloatArray()};
                    if (first == null) {
                        first = grads;
                        double[][] want = closedForm(x, w, b, c, n, cin, cout, side, out, stride, pad);
                        assertClose(want[0], y, "output, stride " + stride + " padding " + pad);
                        assertClose(want[1], grads[0], "dL/dx");
                        assertClose(want[2], grads[1], "dL/dw");
                        assertClose(want[3], grads[2], "dL/db");
                    } else {
                        for (int g = 0; g < 3; g++) {
                            assertArrayEquals(first[g], grads[g], "gradient " + g + " of call " + call + " equals the first call's");
                        }
                    }
                }
            }
        }
    }

    private static float[] random(Random r, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** y, dL/dx, dL/dw, dL/db for L = Σ y·c, in double. */
    private static double[][] closedForm(float[] x, float[] w, float[] b, float[] c, int n, int cin, int cout, int side,
            int out, int stride, int pad) {
        double[] y = new double[n * cout * out * out];
        double[] gx = new double[x.length];
        double[] gw = new double[w.length];
        double[] gb = new double[cout];
        for (int s = 0; s < n; s++) {
            for (int o = 0; o < cout; o++) {
                for (int i = 0; i < out; i++) {
                    for (int j = 0; j < out; j++) {
                        int yi = ((s * cout + o) * out + i) * out + j;
                        double sum = b[o];
                        double ci = c[yi];
                        gb[o] += ci;
                        for (int ch = 0; ch < cin; ch++) {
                            for (int di = 0; di < 3; di++) {
                                for (int dj = 0; dj < 3; dj++) {
                                    int ii = i * stride + di - pad;
                                    int jj = j * stride + dj - pad;
                                    if (ii < 0 || jj < 0 || ii >= side || jj >= side) {
                                        continue;
                                    }
                                    int xi = ((s * cin + ch) * side + ii) * side + jj;
                                    int wi = ((o * cin + ch) * 3 + di) * 3 + dj;
                                    sum += (double) x[xi] * w[wi];
                                    gw[wi] += ci * x[xi];
                                    gx[xi] += ci * w[wi];
                                }
                            }
                        }
                        y[yi] = sum;
                    }
                }
            }
        }
        return new double[][] {y, gx, gw, gb};
    }

    private static void assertClose(double[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        double scale = 1;
        for (double v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5 * scale, what + " [" + i + "]");
        }
    }
}
