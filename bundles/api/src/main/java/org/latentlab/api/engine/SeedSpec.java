package org.latentlab.api.engine;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the seeds of an analysis come from.
 *
 * @param kind   how to read or make them
 * @param file   the .npy file for {@code LATENTS} and {@code INPUTS}, else {@code null}
 * @param source id of a {@link org.latentlab.api.data.SeedSource} for {@code SOURCE}, else {@code null}
 * @param params parameters of the seed source as text (e.g. {@code count}, {@code seed})
 */
public record SeedSpec(Kind kind, Path file, String source, Map<String, String> params) {

    /** The ways of giving seeds. */
    public enum Kind {
        /** float32 .npy of shape [n, latentDim]. */
        LATENTS,
        /** float32 .npy of shape [n, ...inputShape], encoded first. */
        INPUTS,
        /** made by a registered seed source, e.g. latent Gaussian noise. */
        SOURCE
    }

    public SeedSpec {
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }

    /** Latent seeds from a float32 .npy file [n, latentDim]; the path is made absolute. */
    public static SeedSpec latents(Path file) {
        return new SeedSpec(Kind.LATENTS, file.toAbsolutePath(), null, Map.of());
    }

    /** Inputs from a float32 .npy file [n, ...inputShape], encoded first; the path is made absolute. */
    public static SeedSpec inputs(Path file) {
        return new SeedSpec(Kind.INPUTS, file.toAbsolutePath(), null, Map.of());
    }

    /** Seeds made by the registered seed source {@code id} with these parameters. */
    public static SeedSpec source(String id, Map<String, String> params) {
        return new SeedSpec(Kind.SOURCE, null, id, params);
    }

    /** A human description for result.json, e.g. {@code latents:/data/seeds.npy}. */
    public String origin() {
        return switch (kind) {
            case LATENTS -> "latents:" + file;
            case INPUTS -> "inputs:" + file;
            case SOURCE -> source + params;
        };
    }
}
