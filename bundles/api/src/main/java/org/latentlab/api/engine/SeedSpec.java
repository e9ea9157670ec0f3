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

    /** A human description for result.json, e.g. {@code latents:/data/seeds.npy}. */
    public String origin() {
        return switch (kind) {
            case LATENTS -> "latents:" + file;
            case INPUTS -> "inputs:" + file;
            case SOURCE -> source + params;
        };
    }
}
