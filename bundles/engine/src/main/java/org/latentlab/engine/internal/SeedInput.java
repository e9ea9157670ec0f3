package org.latentlab.engine.internal;

import java.util.Iterator;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;

/**
 * Latent seeds handed to the analysis in order, a block at a time: a run above the in-memory limit reads, encodes
 * or makes only the block it iterates next.
 */
interface SeedInput {

    /** Seeds in the run. */
    int count();

    /** Latent dimension. */
    int width();

    /** The next {@code rows} seeds (fewer at the end): [rows, width]. */
    Tensor next(int rows);

    /** Seeds already in memory. */
    static SeedInput of(Tensor seeds) {
        return new SeedInput() {
            int at;

            public int count() {
                return seeds.rows();
            }

            public int width() {
                return seeds.width();
            }

            public Tensor next(int rows) {
                int to = Math.min(seeds.rows(), at + rows);
                Tensor t = at == 0 && to == seeds.rows() ? seeds : seeds.slice(at, to);
                at = to;
                return t;
            }
        };
    }

    /** Rows {@code [from, to)} of a source read in order (a file, an encoder over a file). */
    interface Rows {
        Tensor read(int from, int to);
    }

    /** {@code n} seeds of dimension {@code k} read by rows. */
    static SeedInput of(int n, int k, Rows rows) {
        return new SeedInput() {
            int at;

            public int count() {
                return n;
            }

            public int width() {
                return k;
            }

            public Tensor next(int want) {
                int to = Math.min(n, at + want);
                Tensor t = rows.read(at, to);
                at = to;
                return t;
            }
        };
    }

    /**
     * {@code n} seeds of dimension {@code k} from blocks of any size (e.g. a seed source's), re-cut into the rows
     * asked for; more or fewer rows than {@code n} in all is an error naming {@code what}.
     */
    static SeedInput of(int n, int k, Iterator<Tensor> blocks, String what) {
        return new SeedInput() {
            Tensor pending;
            int pendingAt;
            int at;

            public int count() {
                return n;
            }

            public int width() {
                return k;
            }

            public Tensor next(int want) {
                int rows = Math.min(want, n - at);
                float[] out = new float[rows * k];
                int filled = 0;
                while (filled < rows) {
                    if (pending == null || pendingAt == pending.rows()) {
                        if (!blocks.hasNext()) {
                            throw new LatentLabException(what + " made " + (at + filled) + " seeds, " + n + " were announced");
                        }
                        pending = blocks.next();
                        pendingAt = 0;
                        if (pending.shape().length != 2 || pending.width() != k) {
                            throw new LatentLabException(what + " made a block of shape " + java.util.Arrays.toString(pending.shape())
                                    + "; latent seeds must be [n, " + k + "]");
                        }
                    }
                    int take = Math.min(rows - filled, pending.rows() - pendingAt);
                    System.arraycopy(pending.data(), pendingAt * k, out, filled * k, take * k);
                    pendingAt += take;
                    filled += take;
                }
                at += rows;
                return Tensor.matrix(rows, k, out);
            }
        };
    }
}
