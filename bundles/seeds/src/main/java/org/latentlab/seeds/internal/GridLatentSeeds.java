package org.latentlab.seeds.internal;

import java.util.List;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.data.SeedSource;
import org.latentlab.api.model.LatentModel;
import org.osgi.service.component.annotations.Component;

/** A regular grid of seeds in a 2-D latent space: basins drawn as pictures. */
@Component(property = {ServiceProperties.ID + "=grid",
        ServiceProperties.DESCRIPTION + "=a regular grid of latent seeds (latent dimension 2)"})
public class GridLatentSeeds implements SeedSource {

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.real("x0", -3, -1e6, 1e6, "first coordinate from"),
                ParameterSpec.real("x1", 3, -1e6, 1e6, "first coordinate to"),
                ParameterSpec.integer("nx", 41, 1, 10000, "points along the first coordinate"),
                ParameterSpec.real("y0", -3, -1e6, 1e6, "second coordinate from"),
                ParameterSpec.real("y1", 3, -1e6, 1e6, "second coordinate to"),
                ParameterSpec.integer("ny", 41, 1, 10000, "points along the second coordinate"));
    }

    @Override
    public Tensor seeds(LatentModel model, Parameters p) {
        if (model.spec().latentDim() != 2) {
            throw new LatentLabException("grid seeds need latent dimension 2, model '" + model.spec().name() + "' has "
                    + model.spec().latentDim() + "; use 'latentlab field --grid ... --plane' for a plane in higher dimensions");
        }
        return grid(p.getDouble("x0", -3), p.getDouble("x1", 3), p.getInt("nx", 41), p.getDouble("y0", -3),
                p.getDouble("y1", 3), p.getInt("ny", 41));
    }

    /** Row-major: x varies fastest. */
    static Tensor grid(double x0, double x1, int nx, double y0, double y1, int ny) {
        float[] z = new float[2 * nx * ny];
        for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
                int r = j * nx + i;
                z[2 * r] = (float) (nx == 1 ? x0 : x0 + (x1 - x0) * i / (nx - 1));
                z[2 * r + 1] = (float) (ny == 1 ? y0 : y0 + (y1 - y0) * j / (ny - 1));
            }
        }
        return Tensor.matrix(nx * ny, 2, z);
    }
}
