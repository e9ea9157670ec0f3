package org.latentlab.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import org.latentlab.api.model.ModelLoader;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.server.internal.rest.ModelView;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** Model folders under the roots registered by name ({@code /api/models}), so requests can say "model": NAME. */
@Component(service = ModelRegistry.class)
public class ModelRegistry {

    @Reference
    LabServer lab;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ModelLoader models;

    ModelView register(JsonNode body) throws SQLException {
        if (body == null || !body.isObject()) {
            throw new ApiException(400, "the request body must be a JSON object {\"path\": DIR, \"name\": NAME}");
        }
        String path = JobRequestParser.text(body, "path", true);
        ModelRoots roots = lab.roots();
        Path folder = roots.resolveFolder(path, "model folder");
        String name = JobRequestParser.text(body, "name", false);
        ModelLoader loader = models;
        if (loader == null) {
            throw ApiException.unavailable("model loader");
        }
        ModelSpec spec = loader.read(folder); // checks model.json; LatentLabException -> 400
        roots.checkModelFiles(spec);
        name = name == null ? spec.name() : name;
        if (!name.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new ApiException(400, "model name '" + name + "' may only use letters, digits, '.', '_' and '-'");
        }
        lab.store().putModel(name, folder.toString());
        return new ModelView(name, folder.toString(), spec.latentDim());
    }

    /** Name -> folder, by name. */
    Map<String, String> list() throws SQLException {
        return lab.store().models();
    }
}
