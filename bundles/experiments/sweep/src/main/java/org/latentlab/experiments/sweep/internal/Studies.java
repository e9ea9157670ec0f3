package org.latentlab.experiments.sweep.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.latentlab.api.LatentLabException;

/** The built-in studies: specs shipped inside this bundle under {@code studies/NAME.json}. */
final class Studies {

    static final List<String> NAMES = List.of("memorization", "contraction", "training-dynamics");

    private Studies() {}

    /** The spec of a built-in study, if {@code name} is one. */
    static Optional<String> spec(String name) {
        if (!NAMES.contains(name)) {
            return Optional.empty();
        }
        try (InputStream in = Studies.class.getResourceAsStream("/studies/" + name + ".json")) {
            if (in == null) {
                throw new LatentLabException("built-in study '" + name + "' is missing from the sweep bundle");
            }
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new LatentLabException("cannot read built-in study '" + name + "': " + e.getMessage(), e);
        }
    }

    /**
     * A spec given as text: a built-in study's name or a JSON object.
     *
     * @throws LatentLabException for anything else, listing the studies
     */
    static SweepSpec resolve(String text) {
        if (text == null || text.isBlank()) {
            throw new LatentLabException("sweep needs a spec: a built-in study (" + String.join(", ", NAMES)
                    + ") or a JSON spec");
        }
        String t = text.strip();
        Optional<String> builtIn = spec(t);
        if (builtIn.isPresent()) {
            return SweepSpec.parse(builtIn.get(), t);
        }
        if (!t.startsWith("{")) {
            throw new LatentLabException("sweep spec '" + (t.length() > 60 ? t.substring(0, 60) + "..." : t)
                    + "' is neither a built-in study (" + String.join(", ", NAMES) + ") nor a JSON object");
        }
        return SweepSpec.parse(t, "sweep");
    }
}
